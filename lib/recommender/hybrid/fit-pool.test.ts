import { afterEach, describe, expect, it } from 'vitest';
import { buildRatingMatrix } from '../core/sparse';
import { HybridParamsSchema } from './params';
import { genreWorld } from '../testing/hybrid-test-data';
import { trainServingModelSync } from '../serving';
import { backgroundFitOptions, backgroundFitStats } from './fit-pool';
import { modelDigest } from '../testing/model-digest.test-helpers';

const FAST = HybridParamsSchema.parse({
  baseParams: { 'implicit-als': { factors: 8, iterations: 6 }, 'biased-mf': { epochs: 5 } },
});
const defaults = { ...backgroundFitOptions };

afterEach(() => Object.assign(backgroundFitOptions, defaults));

function train() {
  const w = genreWorld(80, 120, 11, 0.6);
  const data = buildRatingMatrix({ userIds: w.userIds, itemIds: w.movieIds, ratings: w.ratings }, { scale: [0.5, 5] });
  const timeRows = { userIds: w.userIds, movieIds: w.movieIds, timestamps: w.timestamps };
  return trainServingModelSync(data, w.docs, { params: FAST, timeRows }).model;
}

describe('background base fits', () => {
  it('serve a model bit-identical to fitting every base on one thread', () => {
    backgroundFitOptions.enabled = false;
    const single = modelDigest(train());
    Object.assign(backgroundFitOptions, { enabled: true, minRatings: 0, callerSteals: false });
    const before = backgroundFitStats();
    const threaded = modelDigest(train());
    const after = backgroundFitStats();
    // Every fit the worker can do came from the worker: EASE and item-kNN on the ranking validation split, item-kNN
    // and biased MF on the rating one, and all three on all ratings (item-kNN's full fit serves both blends).
    expect(after.byWorker - before.byWorker).toBe(7);
    expect(after.byCaller - before.byCaller).toBe(0);
    expect(threaded.arrays).toBeGreaterThan(20);
    expect(threaded).toEqual(single);
  }, 120_000);

  it('lets the calling thread take queued fits (any split of the work gives the same model)', () => {
    backgroundFitOptions.enabled = false;
    const single = modelDigest(train());
    Object.assign(backgroundFitOptions, { enabled: true, minRatings: 0, callerSteals: true });
    expect(modelDigest(train())).toEqual(single);
  }, 120_000);
});

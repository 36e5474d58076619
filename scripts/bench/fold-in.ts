/** Bench: the live fold-in, alone (recalculateUser) and through the app's rate-then-For-You path. */
import { recalculateUser } from '../../lib/recommender/algorithms/implicit-als';
import { createRng } from '../../lib/recommender/core/rng';
import { alsView, type ServingModel } from '../../lib/recommender/serving';
import { load1, log, quantile, round } from './common';

export async function measureFoldIn(model: ServingModel, itemIndex: Map<number, number>, memberId: number) {
  const als = alsView(model);
  const rng = createRng(99);
  const solve: Record<string, number> = {};
  for (const n of [20, 200, 1000]) {
    const idx = Int32Array.from({ length: n }, () => rng.int(model.itemIds.length));
    const vals = Float32Array.from({ length: n }, () => 1 + rng.int(9) * 0.5);
    for (let w = 0; w < 20; w++) recalculateUser(als, idx, vals);
    const samples: number[] = [];
    for (let rep = 0; rep < 200; rep++) {
      const t = performance.now();
      recalculateUser(als, idx, vals);
      samples.push(performance.now() - t);
    }
    solve[`history${n}_p50_ms`] = round(quantile(samples, 0.5), 3);
    solve[`history${n}_p99_ms`] = round(quantile(samples, 0.99), 3);
  }
  // End to end in the app's code path: store one rating, then the next For You (which folds it in).
  const { buildForYouFeed } = await import('../../lib/server/services/for-you');
  const { upsertRating } = await import('../../lib/server/data/ratings');
  const { FeedQuery } = await import('../../lib/validation/feed');
  const query = FeedQuery.parse({});
  const ids = model.itemIds;
  for (let w = 0; w < 5; w++) await buildForYouFeed(memberId, query);
  const feed: number[] = [];
  const rateThenFeed: number[] = [];
  const rateOnly: number[] = [];
  for (let rep = 0; rep < 20; rep++) {
    let t = performance.now();
    await buildForYouFeed(memberId, query);
    feed.push(performance.now() - t);
    const movie = ids[rng.int(ids.length)];
    if (!itemIndex.has(movie)) continue;
    t = performance.now();
    await upsertRating(memberId, movie, 1 + rng.int(9) * 0.5);
    rateOnly.push(performance.now() - t);
    await buildForYouFeed(memberId, query);
    rateThenFeed.push(performance.now() - t);
  }
  const out = {
    solveMs: solve,
    forYouInProcessP50Ms: round(quantile(feed, 0.5), 2),
    upsertRatingP50Ms: round(quantile(rateOnly, 0.5), 2),
    rateThenForYouP50Ms: round(quantile(rateThenFeed, 0.5), 2),
    k: model.k,
    load1: load1(),
  };
  log(`fold-in: ${JSON.stringify(out)}`);
  return out;
}

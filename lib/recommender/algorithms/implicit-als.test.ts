import { afterAll, describe, expect, it } from 'vitest';
import { runRecommenderContract } from '../testing/contract.test-helpers';
import {
  ImplicitAlsConfig,
  fitImplicitAls,
  implicitAlsLoss,
  implicitAlsRecommender,
  implicitConfidence,
  recalculateUser,
  regularizedGram,
  solveRows,
} from './implicit-als';
import { planWoodbury } from '../kernels/als-solve';
import { alsPoolStats, shutdownAlsWorkers, waitForAlsWorkers } from '../kernels/als-pool';
import { plantedRatings } from '../testing/mf-test-data';
import { ratingMatrixFromDense } from '../core/sparse';
import { createRng } from '../core/rng';

afterAll(async () => {
  await shutdownAlsWorkers();
});

/** User u rates (5) every item with u's parity except item u itself. */
function checkerboard(n: number) {
  const rows = Array.from({ length: n }, (_, u) =>
    Array.from({ length: n }, (_, i) => (i % 2 === u % 2 && i !== u ? 5 : 0)),
  );
  return ratingMatrixFromDense(rows, [0.5, 5]);
}

describe('implicit ALS', () => {
  it('puts the withheld item first on a checkerboard', () => {
    const data = checkerboard(20);
    const model = fitImplicitAls(data, ImplicitAlsConfig.parse({ factors: 4, iterations: 30, reg: 0.1, seed: 7 }));
    for (let u = 0; u < 20; u++) expect(implicitAlsRecommender.recommend(model, data, u, 1)[0].itemIdx).toBe(u);
  });

  it('never increases the objective, for every solver', () => {
    const data = plantedRatings(40, 60, 0.15, 21);
    for (const extra of [
      {},
      { woodbury: false },
      { solver: 'cholesky' },
      { cgSteps: 1 },
      { confidence: 'rating', alpha: 4 },
    ]) {
      const config = ImplicitAlsConfig.parse({
        factors: 6,
        iterations: 12,
        reg: 0.05,
        alpha: 10,
        threshold: 3,
        computeLoss: true,
        initStd: 0.1,
        ...extra,
      });
      const model = fitImplicitAls(data, config);
      expect(model.loss.length).toBe(12);
      for (let t = 1; t < model.loss.length; t++) {
        // float32 storage of the factors can add rounding noise far below this tolerance
        expect(model.loss[t]).toBeLessThanOrEqual(model.loss[t - 1] * (1 + 1e-6));
      }
      expect(model.loss[11]).toBeLessThan(model.loss[0]);
    }
  });

  it('computes the objective exactly as the dense definition', () => {
    const data = ratingMatrixFromDense([
      [5, 0, 2, 4],
      [0, 4, 0, 0],
      [3.5, 0, 5, 0],
    ]);
    const config = { alpha: 2, threshold: 3.5, confidence: 'rating' as const };
    const { byUser } = implicitConfidence(data, config);
    const k = 2;
    const rng = createRng(1);
    const X = Float32Array.from({ length: 3 * k }, () => rng.normal());
    const Y = Float32Array.from({ length: 4 * k }, () => rng.normal());
    const reg = 0.3;
    let expected = 0;
    const dense = [
      [5, 0, 2, 4],
      [0, 4, 0, 0],
      [3.5, 0, 5, 0],
    ];
    for (let u = 0; u < 3; u++) {
      for (let i = 0; i < 4; i++) {
        const isPos = dense[u][i] >= 3.5;
        const c = isPos ? 1 + 2 * dense[u][i] : 1;
        const s = X[u * k] * Y[i * k] + X[u * k + 1] * Y[i * k + 1];
        expected += c * ((isPos ? 1 : 0) - s) ** 2;
      }
    }
    for (const v of X) expected += reg * v * v;
    for (const v of Y) expected += reg * v * v;
    expect(implicitAlsLoss(X, Y, byUser, k, reg)).toBeCloseTo(expected, 4);
  });

  it('solves short rows exactly with Woodbury, matching the Cholesky solve', () => {
    const data = plantedRatings(30, 25, 0.2, 5);
    const { byUser } = implicitConfidence(data, { alpha: 3, threshold: 3, confidence: 'binary' });
    const k = 8;
    const rng = createRng(3);
    const Y = Float32Array.from({ length: 25 * k }, () => rng.normal() * 0.3);
    const G = regularizedGram(Y, 25, k, 0.1);
    const exact = new Float32Array(30 * k);
    solveRows(exact, Y, G, byUser, k, 0, 30, 'cholesky', 1);
    const plan = planWoodbury(byUser, Y, G, k, 3, false);
    const wb = new Float32Array(30 * k);
    solveRows(wb, Y, G, byUser, k, 0, 30, 'cg', 3, plan.Z, 1000);
    for (let p = 0; p < exact.length; p++) expect(wb[p]).toBeCloseTo(exact[p], 4);
  });

  it('folds in a user by solving the normal equations exactly, ignoring ratings under the threshold', () => {
    const data = plantedRatings(30, 25, 0.3, 9);
    const config = ImplicitAlsConfig.parse({ factors: 5, iterations: 4, reg: 0.2, alpha: 3, threshold: 3 });
    const model = fitImplicitAls(data, config);
    const items = [0, 3, 7, 11, 20];
    const ratings = [5, 2, 4, 3, 1]; // only items 0, 7, 11 are positives
    const x = recalculateUser(model, items, ratings);
    const k = 5;
    const pos = [0, 7, 11];
    // Check (YᵀY + λI + Σ (c−1) y yᵀ) x = Σ c y in float64, computed here from scratch.
    for (let f = 0; f < k; f++) {
      let lhs = config.reg * x[f];
      for (let i = 0; i < 25; i++) {
        let yx = 0;
        for (let g = 0; g < k; g++) yx += model.itemFactors[i * k + g] * x[g];
        const c = pos.includes(i) ? 1 + config.alpha : 1;
        lhs += c * yx * model.itemFactors[i * k + f];
      }
      let rhs = 0;
      for (const i of pos) rhs += (1 + config.alpha) * model.itemFactors[i * k + f];
      expect(lhs).toBeCloseTo(rhs, 4);
    }
    expect(Array.from(recalculateUser(model, [0, 7, 11, -1], [5, 4, 3, 5]))).toEqual(Array.from(x));
    expect(Array.from(recalculateUser(model, [], []))).toEqual([0, 0, 0, 0, 0]);
  });

  it('is deterministic for a seed and identical with two threads', async () => {
    await waitForAlsWorkers(1, 50_000); // generous: loading TypeScript in a worker is slow on a busy machine
    const before = alsPoolStats();
    const data = plantedRatings(50, 40, 0.2, 4);
    const config = ImplicitAlsConfig.parse({ factors: 6, iterations: 3, alpha: 5, threshold: 3 });
    const a = fitImplicitAls(data, config);
    const b = fitImplicitAls(data, config);
    expect(Array.from(a.userFactors)).toEqual(Array.from(b.userFactors));
    expect(Array.from(a.itemFactors)).toEqual(Array.from(b.itemFactors));
    const c = fitImplicitAls(data, { ...config, threads: 2 });
    expect(Array.from(c.userFactors)).toEqual(Array.from(a.userFactors));
    expect(Array.from(c.itemFactors)).toEqual(Array.from(a.itemFactors));
    // 3 iterations × 2 half-sweeps: each ran on the worker, or (when the worker was not scheduled
    // within its claim window on a busy machine) was taken over by the caller.
    const after = alsPoolStats();
    expect(after.workerJobs - before.workerJobs + after.takenOver - before.takenOver).toBe(6);
    expect(after.workerJobs - before.workerJobs).toBeGreaterThan(0);
    const d = fitImplicitAls(data, { ...config, seed: 43 });
    expect(Array.from(d.itemFactors)).not.toEqual(Array.from(a.itemFactors));
  });

  it('scores unknown users with zeros and never recommends rated or excluded items', () => {
    const data = plantedRatings(20, 30, 0.3, 2);
    const model = fitImplicitAls(data, ImplicitAlsConfig.parse({ factors: 4, iterations: 3, threshold: 3 }));
    const out = new Float32Array(30).fill(7);
    implicitAlsRecommender.scoreItems(model, data, -1, out);
    expect(Array.from(out)).toEqual(new Array(30).fill(0));
    expect(implicitAlsRecommender.predict(model, data, -1, 3)).toBe(data.scale[0]);
    for (let u = 0; u < 20; u++) {
      const rated = new Set(Array.from(data.byUser.indices.subarray(data.byUser.indptr[u], data.byUser.indptr[u + 1])));
      const recs = implicitAlsRecommender.recommend(model, data, u, 10, { exclude: new Set([5]) });
      expect(recs.length).toBe(Math.min(10, 30 - rated.size - (rated.has(5) ? 0 : 1)));
      for (const r of recs) expect(rated.has(r.itemIdx) || r.itemIdx === 5).toBe(false);
    }
  });
});

runRecommenderContract('implicit-als', implicitAlsRecommender, ImplicitAlsConfig.parse({ factors: 8, iterations: 5 }));

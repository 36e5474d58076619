import { describe, expect, it } from 'vitest';
import { generateSynthetic, userActivity } from './synth';
import { createRng } from '../core/rng';
import { biasesRecommender } from '../algorithms/biases';
import { evaluateRating } from './evaluate';
import { itemKnnRecommender } from '../algorithms/item-knn';

function collect(seed: number) {
  const rows: [number, number, number, number][] = [];
  generateSynthetic({ users: 200, items: 300, ratings: 12_000, seed }, (u, i, r, t) => rows.push([u, i, r, t]));
  return rows;
}

describe('synthetic generator', () => {
  const rows = collect(3);

  it('writes exactly the requested number of distinct (user, item) ratings, sorted', () => {
    expect(rows.length).toBe(12_000);
    // Aggregate first, assert once: 12k expect() calls would dominate the test's run time.
    const seen = new Set<number>();
    let duplicates = 0;
    let unsorted = 0;
    let outOfRange = 0;
    for (let k = 0; k < rows.length; k++) {
      const [u, i] = rows[k];
      const key = u * 1000 + i;
      if (seen.has(key)) duplicates++;
      seen.add(key);
      if (k > 0) {
        const [pu, pi] = rows[k - 1];
        if (!(u > pu || (u === pu && i > pi))) unsorted++;
      }
      if (u < 1 || u > 200 || i < 1 || i > 300) outOfRange++;
    }
    expect({ duplicates, unsorted, outOfRange }).toEqual({ duplicates: 0, unsorted: 0, outOfRange: 0 });
  });

  it('uses half stars in [0.5, 5] and plausible timestamps', () => {
    const bad = rows.filter(([, , r, t]) => !Number.isInteger(r * 2) || r < 0.5 || r > 5 || !(t > 789_000_000));
    expect(bad).toEqual([]);
    expect(new Set(rows.map((x) => x[2])).size).toBeGreaterThan(6); // half and whole stars both occur
  });

  it('has a skewed (power-law-like) item popularity', () => {
    const count = new Map<number, number>();
    for (const [, i] of rows) count.set(i, (count.get(i) ?? 0) + 1);
    const sorted = [...count.values()].sort((a, b) => b - a);
    const top10 = sorted.slice(0, 30).reduce((s, x) => s + x, 0); // top 10% of items
    expect(top10 / rows.length).toBeGreaterThan(0.25);
  });

  it('plants low-rank tastes: item-kNN beats user+item biases on held-out synthetic ratings', () => {
    const train: number[][] = [[], [], []];
    const test: number[][] = [[], [], []];
    let k = 0;
    generateSynthetic({ users: 300, items: 200, ratings: 24_000, seed: 5 }, (u, i, r) => {
      const dest = k++ % 5 === 0 ? test : train;
      dest[0].push(u);
      dest[1].push(i);
      dest[2].push(r);
    });
    const rows = (t: number[][]) => ({
      userIds: Int32Array.from(t[0]),
      movieIds: Int32Array.from(t[1]),
      ratings: Float32Array.from(t[2]),
    });
    const biases = evaluateRating(biasesRecommender, {}, rows(train), rows(test), [0.5, 5]);
    const knn = evaluateRating(itemKnnRecommender, {}, rows(train), rows(test), [0.5, 5]);
    // Without planted tastes (biases + noise only) the neighbourhood term has nothing to find.
    expect(knn.metrics.rmse).toBeLessThan(biases.metrics.rmse - 0.02);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    expect(collect(3)).toEqual(rows);
    expect(collect(4)).not.toEqual(rows);
  });

  it('distributes activity to the exact total with the minimum respected', () => {
    const n = userActivity(
      {
        users: 100,
        items: 500,
        ratings: 9_000,
        seed: 1,
        factors: 4,
        noise: 1,
        zipf: 1,
        activitySigma: 1,
        minPerUser: 20,
      },
      createRng(1),
    );
    expect(n.reduce((s, x) => s + x, 0)).toBe(9_000);
    expect(Math.min(...n)).toBeGreaterThanOrEqual(20);
    expect(Math.max(...n)).toBeLessThanOrEqual(400);
  });
});

import { describe, expect, it } from 'vitest';
import { generateSynthetic, userActivity } from './synth';
import { createRng } from './rng';

function collect(seed: number) {
  const rows: [number, number, number, number][] = [];
  generateSynthetic({ users: 200, items: 300, ratings: 12_000, seed }, (u, i, r, t) => rows.push([u, i, r, t]));
  return rows;
}

describe('synthetic generator', () => {
  const rows = collect(3);

  it('writes exactly the requested number of distinct (user, item) ratings, sorted', () => {
    expect(rows.length).toBe(12_000);
    const seen = new Set<string>();
    for (let k = 0; k < rows.length; k++) {
      const [u, i] = rows[k];
      expect(seen.has(`${u}:${i}`)).toBe(false);
      seen.add(`${u}:${i}`);
      if (k > 0) {
        const [pu, pi] = rows[k - 1];
        expect(u > pu || (u === pu && i > pi)).toBe(true);
      }
      expect(u).toBeGreaterThanOrEqual(1);
      expect(u).toBeLessThanOrEqual(200);
      expect(i).toBeLessThanOrEqual(300);
    }
  });

  it('uses half stars in [0.5, 5] and plausible timestamps', () => {
    for (const [, , r, t] of rows) {
      expect(Number.isInteger(r * 2)).toBe(true);
      expect(r).toBeGreaterThanOrEqual(0.5);
      expect(r).toBeLessThanOrEqual(5);
      expect(t).toBeGreaterThan(789_000_000);
    }
  });

  it('has a skewed (power-law-like) item popularity', () => {
    const count = new Map<number, number>();
    for (const [, i] of rows) count.set(i, (count.get(i) ?? 0) + 1);
    const sorted = [...count.values()].sort((a, b) => b - a);
    const top10 = sorted.slice(0, 30).reduce((s, x) => s + x, 0); // top 10% of items
    expect(top10 / rows.length).toBeGreaterThan(0.25);
  });

  it('plants tastes: the same user rates items consistently (user-mean spread beats noise alone)', () => {
    const byUser = new Map<number, number[]>();
    for (const [u, , r] of rows) byUser.set(u, [...(byUser.get(u) ?? []), r]);
    const means = [...byUser.values()].map((rs) => rs.reduce((s, x) => s + x, 0) / rs.length);
    const m = means.reduce((s, x) => s + x, 0) / means.length;
    const sd = Math.sqrt(means.reduce((s, x) => s + (x - m) ** 2, 0) / means.length);
    expect(sd).toBeGreaterThan(0.2);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    expect(collect(3)).toEqual(rows);
    expect(collect(4)).not.toEqual(rows);
  });

  it('distributes activity to the exact total with the minimum respected', () => {
    const n = userActivity({ users: 100, items: 500, ratings: 9_000, seed: 1, factors: 4, noise: 1, zipf: 1, activitySigma: 1, minPerUser: 20 }, createRng(1));
    expect(n.reduce((s, x) => s + x, 0)).toBe(9_000);
    expect(Math.min(...n)).toBeGreaterThanOrEqual(20);
    expect(Math.max(...n)).toBeLessThanOrEqual(400);
  });
});

import { describe, expect, it } from 'vitest';
import { pickRateCandidates, type RateCandidate } from './pick';

const GENRES = ['Drama', 'Comedy', 'Action', 'Animation', 'Horror', 'Sci-Fi'];
// 300 synthetic films: popularity falls with the id, genres and decades cycle.
const pool: RateCandidate[] = Array.from({ length: 300 }, (_, i) => ({
  id: i + 1,
  year: 1950 + ((i * 7) % 70),
  genres: [GENRES[i % GENRES.length]],
  count: Math.round(400 / (1 + i / 10)),
  spread: 0.6 + (i % 5) * 0.1,
}));
const base = { n: 12, genres: [], decades: [], exclude: new Set<number>(), seed: 1 };

describe('pickRateCandidates', () => {
  it('gives different members different batches, and one member the same batch on a reload', () => {
    const a = pickRateCandidates(pool, { ...base, seed: 11 });
    const b = pickRateCandidates(pool, { ...base, seed: 12 });
    expect(pickRateCandidates(pool, { ...base, seed: 11 })).toEqual(a);
    expect(a).toHaveLength(12);
    expect(new Set(a).size).toBe(12);
    expect(a.filter((id) => b.includes(id)).length).toBeLessThan(9);
  });

  it('prefers well-known films: most picks come from the most-rated third', () => {
    const picks = pickRateCandidates(pool, { ...base, seed: 3 });
    expect(picks.filter((id) => id <= 100).length).toBeGreaterThanOrEqual(8);
  });

  it('spreads picks over genres and decades', () => {
    const picks = pickRateCandidates(pool, { ...base, seed: 5 }).map((id) => pool[id - 1]);
    const perGenre = new Map<string, number>();
    for (const p of picks) perGenre.set(p.genres[0], (perGenre.get(p.genres[0]) ?? 0) + 1);
    expect(Math.max(...perGenre.values())).toBeLessThanOrEqual(3);
    expect(new Set(picks.map((p) => p.year! - (p.year! % 10))).size).toBeGreaterThanOrEqual(4);
  });

  it('puts the member’s genres and decades first and gives them most of the batch', () => {
    const picks = pickRateCandidates(pool, { ...base, genres: ['Animation'], decades: [1990], seed: 9 }).map(
      (id) => pool[id - 1],
    );
    const fits = (p: RateCandidate) => p.genres.includes('Animation') && p.year! >= 1990 && p.year! < 2000;
    expect(fits(picks[0])).toBe(true);
    expect(picks.filter(fits).length).toBeGreaterThanOrEqual(3);
    const genreOnly = pickRateCandidates(pool, { ...base, genres: ['Horror', 'Comedy'], seed: 9 }).map(
      (id) => pool[id - 1],
    );
    expect(genreOnly.filter((p) => p.genres[0] === 'Horror' || p.genres[0] === 'Comedy').length).toBeGreaterThanOrEqual(
      8,
    );
  });

  it('never offers an excluded (rated, hidden or skipped) film', () => {
    const exclude = new Set(pool.slice(0, 150).map((p) => p.id));
    const picks = pickRateCandidates(pool, { ...base, exclude, seed: 2 });
    expect(picks.every((id) => !exclude.has(id))).toBe(true);
    expect(picks).toHaveLength(12);
  });
});

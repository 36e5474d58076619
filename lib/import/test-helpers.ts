import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { csvLine } from './csv';
import { letterboxdTitle } from './match';

/** Zips a fixture folder the way Letterboxd ships its export (files under one top-level folder). */
export function zipFolder(dir: string, prefix = 'letterboxd-someone-2024-01-01-00-00-utc/'): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files[prefix + relative(dir, p)] = new Uint8Array(readFileSync(p));
    }
  };
  walk(dir);
  return zipSync(files);
}

/**
 * A Letterboxd-shaped export of `rows` rows over the given films (deterministic for a seed): ratings.csv 80 %,
 * diary.csv 10 %, watchlist.csv 10 %; 5 % a year off, 2 % unknown films, 0.5 % malformed ratings. Used by the
 * import bench and the e2e test of a large import.
 */
export function generateLetterboxdExport(
  films: { title: string; year: number | null }[],
  rows: number,
  seed: number,
): Uint8Array {
  // mulberry32: a small seeded generator, so the same seed gives the same file.
  let state = seed >>> 0;
  const rng = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = () => films[Math.floor(rng() * films.length)];
  const date = () => new Date(Date.UTC(2012, 0, 1) + Math.floor(rng() * 4000) * 86_400_000).toISOString().slice(0, 10);
  const name = (f: { title: string; year: number | null }) => {
    const r = rng();
    if (r < 0.02) return { name: `Unmade Film ${Math.floor(rng() * 1e9)}`, year: 2001 };
    return { name: letterboxdTitle(f.title), year: f.year === null ? '' : r < 0.05 ? f.year + 1 : f.year };
  };
  const halfStars = () => (1 + Math.floor(rng() * 10)) / 2;
  const nRatings = Math.round(rows * 0.8);
  const nDiary = Math.round(rows * 0.1);
  const nWatchlist = rows - nRatings - nDiary;
  const ratings = ['Date,Name,Year,Letterboxd URI,Rating'];
  for (let i = 0; i < nRatings; i++) {
    const f = name(pick());
    const bad = rng() < 0.005;
    ratings.push(csvLine([date(), f.name, f.year, `https://boxd.it/g${i}`, bad ? '7' : halfStars()]));
  }
  const diary = ['Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date'];
  for (let i = 0; i < nDiary; i++) {
    const f = name(pick());
    const d = date();
    diary.push(csvLine([d, f.name, f.year, `https://boxd.it/d${i}`, halfStars(), rng() < 0.1 ? 'Yes' : '', '', d]));
  }
  const watchlist = ['Date,Name,Year,Letterboxd URI'];
  for (let i = 0; i < nWatchlist; i++) {
    const f = name(pick());
    watchlist.push(csvLine([date(), f.name, f.year, `https://boxd.it/w${i}`]));
  }
  return zipSync({
    'letterboxd-bench/ratings.csv': strToU8(ratings.join('\n') + '\n'),
    'letterboxd-bench/diary.csv': strToU8(diary.join('\n') + '\n'),
    'letterboxd-bench/watchlist.csv': strToU8(watchlist.join('\n') + '\n'),
  });
}

/**
 * Seeded synthetic MovieLens-like ratings, for speed and memory tests at ML-1M / ML-25M shape
 * (quality is always measured on real data). Shape:
 * - item popularity: Zipf-like, weight ∝ 1 / (rank + 10)^zipf over a random item order;
 * - user activity: log-normal (σ = activitySigma), at least `minPerUser`, scaled to the exact total;
 * - ratings: μ + b_u + b_i + p_u·q_i (planted rank-`factors` tastes) + N(0, noise²), rounded to
 *   half stars in [0.5, 5];
 * - timestamps: each user active from a random start for an exponential span.
 * Rows are produced user by user (items ascending), so output can be streamed; memory is
 * O(nUsers + nItems · factors), never O(ratings).
 */
import { createRng, type Rng } from '../core/rng';

export interface SynthConfig {
  users: number;
  items: number;
  ratings: number;
  seed: number;
  /** Planted taste dimensions. */
  factors?: number;
  /** Std of the rating noise. */
  noise?: number;
  /** Zipf exponent of item popularity. */
  zipf?: number;
  /** σ of the log-normal user activity. */
  activitySigma?: number;
  /** Minimum ratings per user (MovieLens keeps users with ≥ 20). */
  minPerUser?: number;
}

/** Presets with the exact MovieLens 1M and 25M sizes. */
export const SYNTH_SHAPES = {
  'ml-1m': { users: 6040, items: 3706, ratings: 1_000_209 },
  'ml-25m': { users: 162_541, items: 59_047, ratings: 25_000_095 },
} as const;

/** Receives one rating; userId/movieId are 1-based raw ids. */
export type RatingSink = (userId: number, movieId: number, rating: number, timestamp: number) => void;

/** Vose's alias table for O(1) sampling from a discrete distribution. O(n) build. */
function aliasTable(weights: Float64Array): { prob: Float64Array; alias: Int32Array } {
  const n = weights.length;
  const total = weights.reduce((s, w) => s + w, 0);
  const prob = new Float64Array(n);
  const alias = new Int32Array(n);
  const scaled = Float64Array.from(weights, (w) => (w * n) / total);
  const small: number[] = [];
  const large: number[] = [];
  for (let i = 0; i < n; i++) (scaled[i] < 1 ? small : large).push(i);
  while (small.length > 0 && large.length > 0) {
    const s = small.pop()!;
    const l = large.pop()!;
    prob[s] = scaled[s];
    alias[s] = l;
    scaled[l] = scaled[l] + scaled[s] - 1;
    (scaled[l] < 1 ? small : large).push(l);
  }
  for (const i of large) prob[i] = 1;
  for (const i of small) prob[i] = 1;
  return { prob, alias };
}

/** Ratings per user: log-normal weights scaled to the exact total, each in [min, cap]. */
export function userActivity(cfg: Required<SynthConfig>, rng: Rng): Int32Array {
  const { users, items, ratings } = cfg;
  const cap = Math.max(1, Math.floor(items * 0.8));
  if (ratings > users * cap) throw new RangeError(`${ratings} ratings do not fit ${users} users × ${cap} items each`);
  const min = Math.min(cfg.minPerUser, Math.floor(ratings / users), cap);
  const w = new Float64Array(users);
  let sum = 0;
  for (let u = 0; u < users; u++) {
    w[u] = Math.exp(cfg.activitySigma * rng.normal());
    sum += w[u];
  }
  const n = new Int32Array(users);
  const extra = ratings - min * users;
  let assigned = 0;
  for (let u = 0; u < users; u++) {
    n[u] = Math.min(cap, min + Math.floor((extra * w[u]) / sum));
    assigned += n[u];
  }
  // Hand out the remainder (rounding and capped users) one at a time, heavier users first in expectation.
  let guard = 0;
  while (assigned < ratings) {
    const u = rng.int(users);
    if (n[u] < cap) {
      n[u]++;
      assigned++;
    }
    if (++guard > ratings * 20) throw new Error('could not distribute ratings');
  }
  return n;
}

/**
 * Streams `cfg.ratings` ratings to `sink`, user by user with movieIds ascending. Deterministic
 * for a seed. Time O(ratings · (factors + log n_u)).
 */
export function generateSynthetic(config: SynthConfig, sink: RatingSink): void {
  const cfg: Required<SynthConfig> = {
    factors: 8,
    noise: 0.7,
    zipf: 1.0,
    activitySigma: 1.0,
    minPerUser: 20,
    ...config,
  };
  const rng = createRng(cfg.seed);
  const { users, items, factors: f } = cfg;
  // Random popularity order of items, Zipf weights over it.
  const rankOf = Int32Array.from({ length: items }, (_, i) => i);
  for (let i = items - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = rankOf[i];
    rankOf[i] = rankOf[j];
    rankOf[j] = t;
  }
  const weight = Float64Array.from(rankOf, (r) => 1 / Math.pow(r + 10, cfg.zipf));
  const { prob, alias } = aliasTable(weight);
  const totalWeight = weight.reduce((s, x) => s + x, 0);
  // Item tastes and biases; popular items are rated a little higher, as in MovieLens.
  const q = new Float32Array(items * f);
  const bi = new Float32Array(items);
  const scale = 1 / Math.sqrt(f);
  for (let i = 0; i < items; i++) {
    for (let k = 0; k < f; k++) q[i * f + k] = rng.normal() * scale;
    bi[i] = 0.35 * rng.normal() + 0.25 * (1 - rankOf[i] / items) - 0.125;
  }
  const activity = userActivity(cfg, rng);
  const stamp = new Int32Array(items); // generation marks for "already rated by this user"
  const p = new Float64Array(f);
  const T0 = 789_652_009; // 1995-01-09, the first MovieLens timestamp
  const T1 = 1_537_799_250; // 2018-09-24
  let chosen = new Int32Array(1024);
  for (let u = 0; u < users; u++) {
    const n = activity[u];
    if (chosen.length < n) chosen = new Int32Array(n);
    const gen = u + 1;
    if (n > items / 8) {
      // Heavy user: weighted sampling without replacement by Efraimidis–Spirakis keys u^(1/w).
      const keys = new Float64Array(items);
      for (let i = 0; i < items; i++) keys[i] = Math.log(rng.next() || Number.MIN_VALUE) / (weight[i] / totalWeight);
      const order = Int32Array.from({ length: items }, (_, i) => i).sort((a, b) => keys[b] - keys[a] || a - b);
      for (let t = 0; t < n; t++) chosen[t] = order[t];
    } else {
      let t = 0;
      while (t < n) {
        const c = rng.int(items);
        const i = rng.next() < prob[c] ? c : alias[c];
        if (stamp[i] === gen) continue;
        stamp[i] = gen;
        chosen[t++] = i;
      }
    }
    const list = chosen.subarray(0, n).sort();
    const bu = 0.4 * rng.normal();
    for (let k = 0; k < f; k++) p[k] = rng.normal() * scale * 1.6;
    const start = T0 + rng.next() * (T1 - T0);
    const span = -Math.log(1 - rng.next()) * 60 * 86_400 * (1 + n / 100);
    for (let t = 0; t < n; t++) {
      const i = list[t];
      let dot = 0;
      for (let k = 0; k < f; k++) dot += p[k] * q[i * f + k];
      const raw = 3.5 + bu + bi[i] + dot + cfg.noise * rng.normal();
      const half = Math.round(raw * 2) / 2;
      const rating = half < 0.5 ? 0.5 : half > 5 ? 5 : half;
      const ts = Math.min(T1, Math.floor(start + rng.next() * span));
      sink(u + 1, i + 1, rating, ts);
    }
  }
}

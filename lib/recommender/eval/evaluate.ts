/**
 * Offline evaluation exactly as ../shared/bench/PROTOCOL.md describes, without I/O: takes raw-id
 * train/test arrays, fits a {@link Recommender}, returns metrics and timings. Used by the eval CLI,
 * tests and the app's model job.
 */
import { mae, RankingAccumulator, rmse, type RankingMetrics } from './metrics';
import { type RatingRows } from '../core/holdout';
import { buildRatingMatrix, createVocabulary, type BuiltRatingMatrix } from '../core/sparse';
import {
  attachImplicit,
  idsWithImplicit,
  implicitCount,
  type ImplicitRows,
  type ImplicitWeights,
} from '../core/interactions';
import type { RatingMatrix, Recommender } from '../core/types';

export interface RatingEvaluation {
  metrics: { rmse: number; mae: number };
  /** Test rows predicted (all of them). */
  rows: number;
  /** Test rows whose user or item was unseen in train (predicted by fallback). */
  unknownRows: number;
  fitSeconds: number;
  predictSeconds: number;
}

export interface RankingEvaluation {
  metrics: RankingMetrics;
  /** Standard errors of the user means of NDCG@10 and Recall@20. */
  standardErrors: { 'ndcg@10': number; 'recall@20': number };
  fitSeconds: number;
  predictSeconds: number;
}

/** Relevance threshold of the ranking task (test rating ≥ 4.0). */
export const RELEVANT_RATING = 4;

const now = (): number => performance.now() / 1000;

/**
 * Train matrix from raw rows (scale = the data's [min, max] unless given). With implicit rows (watches, likes,
 * watchlist adds) the vocabularies cover their users and movies too and the rows become the matrix's implicit part
 * (core/interactions.ts); without, it is the ratings-only matrix as always.
 */
export function trainMatrix(
  train: RatingRows,
  scale?: readonly [number, number],
  implicit?: { rows: ImplicitRows | null; weights: ImplicitWeights },
): BuiltRatingMatrix {
  const triples = { userIds: train.userIds, itemIds: train.movieIds, ratings: train.ratings };
  if (!implicit || implicitCount(implicit.rows) === 0) return buildRatingMatrix(triples, { scale });
  const ids = idsWithImplicit(train, implicit.rows);
  const data = buildRatingMatrix(triples, {
    scale: scale ?? ratingRange(train.ratings),
    users: createVocabulary(ids.userIds),
    items: createVocabulary(ids.movieIds),
  });
  return attachImplicit(data, implicit.rows, implicit.weights);
}

/** [min, max] of the ratings, as buildRatingMatrix defaults the scale. */
function ratingRange(r: Float32Array): readonly [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of r) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return r.length > 0 ? [lo, hi] : [0.5, 5];
}

/**
 * Rating task: fit on train, predict every test row (unknown users/items → the model's fallback,
 * never skipped), clip to `scale`, report RMSE and MAE. Time = fit + O(test · predict).
 */
export function evaluateRating<C, M>(
  recommender: Recommender<C, M>,
  config: C,
  train: RatingRows,
  test: RatingRows,
  scale: readonly [number, number],
  opts: { data?: RatingMatrix } = {},
): RatingEvaluation {
  const data = opts.data ?? trainMatrix(train, scale);
  const t0 = now();
  const model = recommender.fit(data, config);
  const t1 = now();
  const n = test.ratings.length;
  const pred = new Float64Array(n);
  let unknownRows = 0;
  for (let r = 0; r < n; r++) {
    const u = data.users.index(test.userIds[r]) ?? -1;
    const i = data.items.index(test.movieIds[r]) ?? -1;
    if (u < 0 || i < 0) unknownRows++;
    let p = recommender.predict(model, data, u, i);
    if (!Number.isFinite(p)) p = data.globalMean;
    pred[r] = p < scale[0] ? scale[0] : p > scale[1] ? scale[1] : p;
  }
  const t2 = now();
  return {
    metrics: { rmse: rmse(pred, test.ratings), mae: mae(pred, test.ratings) },
    rows: n,
    unknownRows,
    fitSeconds: t1 - t0,
    predictSeconds: t2 - t1,
  };
}

/** Relevant test items per raw user id (rating ≥ {@link RELEVANT_RATING}), users ascending. */
export function relevantByUser(test: RatingRows): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (let r = 0; r < test.ratings.length; r++) {
    if (test.ratings[r] < RELEVANT_RATING) continue;
    const list = out.get(test.userIds[r]);
    if (list) list.push(test.movieIds[r]);
    else out.set(test.userIds[r], [test.movieIds[r]]);
  }
  return new Map([...out.entries()].sort((a, b) => a[0] - b[0]));
}

/**
 * Ranking task: top-20 per evaluated user from train only (candidates = train items minus the
 * user's train items), Recall@10/20, Precision@10, NDCG@10, Coverage@10. `onlyUsers` restricts
 * the evaluated users (cold-start slice). Relevant items absent from train still count in #relevant.
 */
export function evaluateRanking<C, M>(
  recommender: Recommender<C, M>,
  config: C,
  train: RatingRows,
  test: RatingRows,
  opts: { onlyUsers?: ReadonlySet<number>; data?: RatingMatrix; model?: M } = {},
): RankingEvaluation {
  const data = opts.data ?? trainMatrix(train);
  const t0 = now();
  const model = opts.model ?? recommender.fit(data, config);
  const t1 = now();
  const acc = new RankingAccumulator(data.items.size);
  for (const [userId, items] of relevantByUser(test)) {
    if (opts.onlyUsers && !opts.onlyUsers.has(userId)) continue;
    const u = data.users.index(userId) ?? -1;
    // Relevant items are compared in train-index space; test-only items get a unique negative id.
    const relevant = new Set<number>();
    items.forEach((movieId, k) => relevant.add(data.items.index(movieId) ?? -1 - k));
    const top = recommender.recommend(model, data, u, 20);
    acc.add(
      top.map((s) => s.itemIdx),
      relevant,
    );
  }
  const t2 = now();
  return { metrics: acc.result(), standardErrors: acc.standardErrors(), fitSeconds: t1 - t0, predictSeconds: t2 - t1 };
}

/**
 * The protocol's cold-start slice: evaluated users (≥ 1 relevant test item) in ascending userId
 * order, every 5th (index % 5 === 0) keeps only its 5 earliest train ratings (ties by movieId).
 * Returns the reduced train rows and the cold-start user ids. Needs train timestamps.
 */
export function coldStartSlice(train: RatingRows, test: RatingRows): { train: RatingRows; coldUsers: Set<number> } {
  if (!train.timestamps) throw new Error('cold-start slice needs train timestamps');
  const evaluated = [...relevantByUser(test).keys()];
  const coldUsers = new Set(evaluated.filter((_, k) => k % 5 === 0));
  const rowsByUser = new Map<number, number[]>();
  for (let r = 0; r < train.ratings.length; r++) {
    const u = train.userIds[r];
    if (!coldUsers.has(u)) continue;
    const list = rowsByUser.get(u);
    if (list) list.push(r);
    else rowsByUser.set(u, [r]);
  }
  const keep = new Uint8Array(train.ratings.length).fill(1);
  const ts = train.timestamps;
  for (const rows of rowsByUser.values()) {
    rows.sort((a, b) => ts[a] - ts[b] || train.movieIds[a] - train.movieIds[b]);
    for (let k = 5; k < rows.length; k++) keep[rows[k]] = 0;
  }
  const idx: number[] = [];
  for (let r = 0; r < keep.length; r++) if (keep[r]) idx.push(r);
  return {
    train: {
      userIds: Int32Array.from(idx, (r) => train.userIds[r]),
      movieIds: Int32Array.from(idx, (r) => train.movieIds[r]),
      ratings: Float32Array.from(idx, (r) => train.ratings[r]),
      timestamps: Float64Array.from(idx, (r) => ts[r]),
    },
    coldUsers,
  };
}

/** Mean and population standard deviation of each numeric metric over folds. */
export function summariseFolds<T extends Record<string, number>>(folds: readonly T[]): { mean: T; std: T } {
  const mean = {} as Record<string, number>;
  const std = {} as Record<string, number>;
  for (const key of Object.keys(folds[0])) {
    const xs = folds.map((f) => f[key]);
    const m = xs.reduce((s, x) => s + x, 0) / xs.length;
    mean[key] = m;
    std[key] = Math.sqrt(xs.reduce((s, x) => s + (x - m) * (x - m), 0) / xs.length);
  }
  return { mean: mean as T, std: std as T };
}

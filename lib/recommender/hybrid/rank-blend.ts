/**
 * The ranking blend's learner: a linear ranker over the feature columns, trained by coordinate ascent on
 * validation NDCG@10 + recall (Metzler & Croft 2007), with an exposure (coverage) penalty, and its own fast
 * evaluator over the validation users' candidate sets.
 */
import { type ContentTfidfModel } from '../algorithms/content-tfidf';
import { insertTopK, topKIndices } from '../core/select-top';
import {
  counts,
  type FeatureColumns,
  type FeatureContext,
  popularityZ,
  type TimeContext,
  userFeatureColumns,
} from './features';
import type { ValidationSplit } from '../core/holdout';
import type { FittedBase, RankWeights } from './types';

// ---------------------------------------------------------------------------------------------
// Ranking blend: validation candidate pools and coordinate ascent.

interface RankTrainingSet {
  nFeatures: number;
  /** Candidate rows of all users, row-major (nRows × nFeatures). */
  x: Float32Array;
  label: Uint8Array;
  item: Int32Array;
  /** User u's rows are [offsets[u], offsets[u+1]). */
  offsets: Int32Array;
  /** Relevant held-out items per user (for the ideal DCG). */
  nRelevant: Int32Array;
}

/** Objective loss per unit of validation coverage below `coverageTarget`. */
const COVERAGE_PENALTY = 3;

const LOG2_DISCOUNT = Float64Array.from({ length: 11 }, (_, r) => (r === 0 ? 0 : 1 / Math.log2(r + 1)));

/** Mean NDCG@10, Recall@20 and coverage@10 (distinct items / nItems) of a weight vector on a training set. */
function evaluateScores(
  set: RankTrainingSet,
  scores: Float32Array,
  nItems: number,
  seen: Uint8Array,
  perUser?: { values: Float64Array; recallWeight: number },
): { ndcg: number; recall20: number; coverage: number } {
  const nUsers = set.offsets.length - 1;
  const K = 20;
  const topS = new Float64Array(K);
  const topR = new Int32Array(K);
  let ndcgSum = 0;
  let recallSum = 0;
  seen.fill(0);
  let distinct = 0;
  for (let u = 0; u < nUsers; u++) {
    const a = set.offsets[u];
    const b = set.offsets[u + 1];
    let size = 0;
    for (let r = a; r < b; r++) size = insertTopK(topS, topR, size, K, scores[r], r);
    let dcg = 0;
    let hits = 0;
    for (let k = 0; k < size; k++) {
      if (set.label[topR[k]]) {
        hits++;
        if (k < 10) dcg += LOG2_DISCOUNT[k + 1];
      }
      if (k >= 10) continue;
      const it = set.item[topR[k]];
      if (!seen[it]) {
        seen[it] = 1;
        distinct++;
      }
    }
    let idcg = 0;
    for (let k = 1; k <= Math.min(10, set.nRelevant[u]); k++) idcg += LOG2_DISCOUNT[k];
    const ndcgU = idcg > 0 ? dcg / idcg : 0;
    const recallU = set.nRelevant[u] > 0 ? hits / Math.min(K, set.nRelevant[u]) : 0;
    ndcgSum += ndcgU;
    recallSum += recallU;
    if (perUser) perUser.values[u] = ndcgU + perUser.recallWeight * recallU;
  }
  return {
    ndcg: nUsers > 0 ? ndcgSum / nUsers : 0,
    recall20: nUsers > 0 ? recallSum / nUsers : 0,
    coverage: nItems > 0 ? distinct / nItems : 0,
  };
}

/**
 * Coordinate ascent on NDCG@10 + β·Recall@20 + γ·coverage@10 (Metzler & Croft 2007): start from the single
 * best feature, then repeatedly try additive steps on one weight at a time and keep improvements.
 * Deterministic. O(rounds · F · steps · nRows · F).
 */
export function coordinateAscent(
  set: RankTrainingSet,
  nItems: number,
  recallWeight: number,
  coverageWeight: number,
  featureNames: readonly string[],
  allowed?: readonly boolean[],
  init?: Float32Array,
  coverageTarget = 0,
): RankWeights {
  const F = set.nFeatures;
  const nRows = set.item.length;
  const seen = new Uint8Array(nItems);
  const isAllowed = (f: number) => allowed === undefined || allowed[f];
  const value = (scores: Float32Array) => {
    const r = evaluateScores(set, scores, nItems, seen);
    // Hinge penalty below the coverage target: a product constraint enforced on validation.
    const shortfall = Math.max(0, coverageTarget - r.coverage);
    return {
      value: r.ndcg + recallWeight * r.recall20 + coverageWeight * r.coverage - COVERAGE_PENALTY * shortfall,
      ndcg: r.ndcg,
      recall20: r.recall20,
      coverage: r.coverage,
    };
  };
  const scoresOf = (w: Float32Array, out: Float32Array) => {
    for (let r = 0; r < nRows; r++) {
      let s = 0;
      for (let f = 0; f < F; f++) s += w[f] * set.x[r * F + f];
      out[r] = s;
    }
    return out;
  };
  const objective = (w: Float32Array) => value(scoresOf(w, new Float32Array(nRows)));
  // A step on one weight moves every row score by step·x_f: O(nRows) per trial instead of O(nRows·F).
  const trial = new Float32Array(nRows);
  const objectiveStep = (current: Float32Array, f: number, step: number) => {
    for (let r = 0; r < nRows; r++) trial[r] = current[r] + step * set.x[r * F + f];
    return value(trial);
  };
  // Start from `init`, or the best single base/content/pop feature (weight 1).
  let w = init ? init.slice() : new Float32Array(F);
  let best = init ? objective(w) : { value: -Infinity, ndcg: 0, recall20: 0, coverage: 0 };
  for (let f = 0; f < F && !init; f++) {
    if (featureNames[f].startsWith('coldItem') || !isAllowed(f)) continue;
    const single = new Float32Array(F);
    single[f] = 1;
    const o = objective(single);
    if (o.value > best.value) {
      best = o;
      w = single;
    }
  }
  const current = scoresOf(w, new Float32Array(nRows));
  const steps = [1, -1, 0.5, -0.5, 0.25, -0.25, 0.1, -0.1, 0.05, -0.05];
  for (let round = 0; round < 4; round++) {
    let improved = false;
    for (let f = 0; f < F; f++) {
      if (!isAllowed(f)) continue;
      let bestStep = 0;
      for (const st of steps) {
        const o = objectiveStep(current, f, st);
        if (o.value > best.value + 1e-6) {
          best = o;
          bestStep = st;
        }
      }
      if (bestStep !== 0) {
        w[f] += bestStep;
        for (let r = 0; r < nRows; r++) current[r] += bestStep * set.x[r * F + f];
        improved = true;
      }
    }
    if (!improved) break;
  }
  return {
    w,
    validationNdcg: best.ndcg,
    validationRecall20: best.recall20,
    validationCoverage: best.coverage,
    validationUsers: set.offsets.length - 1,
  };
}

/** Per-user validation accuracy NDCG@10 + β·Recall@20 of a weight vector. */
export function perUserAccuracy(
  set: RankTrainingSet,
  w: Float32Array,
  nItems: number,
  recallWeight: number,
): Float64Array {
  const F = set.nFeatures;
  const scores = new Float32Array(set.item.length);
  for (let r = 0; r < scores.length; r++) {
    let s = 0;
    for (let f = 0; f < F; f++) s += w[f] * set.x[r * F + f];
    scores[r] = s;
  }
  const values = new Float64Array(set.offsets.length - 1);
  evaluateScores(set, scores, nItems, new Uint8Array(nItems), { values, recallWeight });
  return values;
}

/** Mean and standard error of the paired per-user difference b − a. */
export function pairedDifference(a: Float64Array, b: Float64Array): { mean: number; se: number } {
  const n = a.length;
  if (n < 2) return { mean: 0, se: 0 };
  let sum = 0;
  for (let u = 0; u < n; u++) sum += b[u] - a[u];
  const mean = sum / n;
  let ss = 0;
  for (let u = 0; u < n; u++) ss += (b[u] - a[u] - mean) ** 2;
  return { mean, se: Math.sqrt(ss / (n - 1) / n) };
}

export function buildRankTrainingSet(
  bases: readonly FittedBase[],
  content: ContentTfidfModel | null,
  split: ValidationSplit,
  users: readonly number[],
  relevant: Map<number, number[]>,
  poolPerBase: number,
  coldItemThreshold: number,
  time: TimeContext | null,
  nFeatures = bases.length + 8,
): RankTrainingSet {
  const data = split.fit;
  const nItems = data.items.size;
  const { itemCount } = counts(data);
  const ctx: FeatureContext = {
    bases,
    content,
    popZ: popularityZ(itemCount),
    itemCount,
    coldItemThreshold,
    time,
    exposureZ: null,
  };
  // + the implicit-feedback column when the model has it (features.ts IMPLICIT_CONTENT_FEATURE).
  const F = nFeatures;
  const buf: FeatureColumns = {
    cols: Array.from({ length: F }, () => new Float32Array(nItems)),
    mask: new Uint8Array(nItems),
  };
  const rows: number[] = [];
  const labels: number[] = [];
  const items: number[] = [];
  const offsets = new Int32Array(users.length + 1);
  const nRelevant = new Int32Array(users.length);
  const inPool = new Uint8Array(nItems);
  // Candidates as in the protocol: items with train (here: fitting) ratings, minus the user's own. Selected from a
  // compact copy of those items' scores (same order, so the same ties): with every catalogue movie an item, most
  // items have no ratings and cannot be candidates.
  const rated = Int32Array.from({ length: nItems }, (_, i) => i).filter((i) => itemCount[i] > 0);
  const cand = new Int32Array(rated.length);
  const candScores = new Float32Array(rated.length);
  for (let k = 0; k < users.length; k++) {
    const u = users[k];
    userFeatureColumns(ctx, data, u, buf);
    const rel = new Set(relevant.get(u) ?? []);
    nRelevant[k] = rel.size;
    inPool.fill(0);
    let nCand = 0;
    for (let t = 0; t < rated.length; t++) if (buf.mask[rated[t]] === 0) cand[nCand++] = rated[t];
    const pool: number[] = [];
    // Pool: the top-N of every base, the content and popularity columns and the recent-history EASE.
    const pooled = [...bases.map((_, b) => b), bases.length, bases.length + 1, bases.length + 7];
    if (F > bases.length + 8) pooled.push(bases.length + 8);
    for (const f of pooled) {
      const col = buf.cols[f];
      for (let t = 0; t < nCand; t++) candScores[t] = col[cand[t]];
      for (const { itemIdx: c } of topKIndices(candScores.subarray(0, nCand), poolPerBase)) {
        const itemIdx = cand[c];
        if (!inPool[itemIdx]) {
          inPool[itemIdx] = 1;
          pool.push(itemIdx);
        }
      }
    }
    pool.sort((a, b) => a - b);
    for (const i of pool) {
      for (let f = 0; f < F; f++) rows.push(buf.cols[f][i]);
      labels.push(rel.has(i) ? 1 : 0);
      items.push(i);
    }
    offsets[k + 1] = items.length;
  }
  return {
    nFeatures: F,
    x: Float32Array.from(rows),
    label: Uint8Array.from(labels),
    item: Int32Array.from(items),
    offsets,
    nRelevant,
  };
}

/** How often each item is in a top-10 of the training set under weights w. Length nItems. */
export function exposureCounts(set: RankTrainingSet, w: Float32Array, nItems: number): Int32Array {
  const F = set.nFeatures;
  const counts = new Int32Array(nItems);
  const scores = new Float32Array(set.item.length);
  for (let r = 0; r < set.item.length; r++) {
    let s = 0;
    for (let f = 0; f < F; f++) s += w[f] * set.x[r * F + f];
    scores[r] = s;
  }
  for (let u = 0; u + 1 < set.offsets.length; u++) {
    const a = set.offsets[u];
    for (const { itemIdx } of topKIndices(scores.subarray(a, set.offsets[u + 1]), 10)) counts[set.item[a + itemIdx]]++;
  }
  return counts;
}

/** Globally standardised log(1 + count). */
export function exposureZOf(counts: Int32Array): Float32Array {
  return popularityZ(counts);
}

export function setColumn(set: RankTrainingSet, f: number, values: Float32Array): void {
  for (let r = 0; r < set.item.length; r++) set.x[r * set.nFeatures + f] = values[set.item[r]];
}

export function fmtWeights(names: readonly string[], w: Float32Array): string {
  return names.map((n, f) => `${n}=${w[f].toFixed(3)}`).join(' ');
}

/**
 * The served hybrid: the learned hybrid of hybrid.ts turned into plain typed-array tables that the nightly job
 * stores and the web app scores from, with every user-side quantity computed live from the user's CURRENT ratings
 * (a rating made a second ago changes the next For You):
 *
 * - EASE: Σ of the rows of B over the user's positives, B sparsified to its `easeNeighbours` largest |B_ji| per row;
 * - item-kNN ('sum' scores): Σ of the reversed top-k neighbour lists over the rated movies;
 * - implicit ALS: the user vector re-solved against the fixed item factors (least squares, {@link foldInAls});
 * - content: the rating-weighted TF-IDF profile of the rated movies, cosine to every item;
 * - popularity, cold-item, "popular around the user's last rating", exposure, EASE over the latest ratings;
 * - the learned warm / cold / anonymous ranking weights, and the ridge rating blend over biases, item-kNN and
 *   content (each folded in the same way).
 *
 * `npm run eval -- --algo hybrid` scores through exactly these functions (serving-registry.ts), so the measured
 * model is the served one. Scoring one user costs O(h·(K_ease + k_knn) + n_u·k² (fold-in) + nItems·(k + F) +
 * nnz(content vectors)) for h positives.
 */
import { rowDot, topKIndices, type ContentDoc } from '../algorithms/content-tfidf';
import { EASE_UNMODELLED_SCORE, easeWeight, type EaseModel } from '../algorithms/ease';
import { alignTimestamps, counts, fitHybridSteps, sampleSorted, SENTINEL_SCORE, standardize, standardizeStats, timeWindowColumns, writeSupportTerms, type HybridBase, type HybridModel, type HybridPhase, type Source } from '../hybrid/fit';
import { HybridParamsSchema, hybridConfigFrom, type HybridParams } from '../hybrid/params';
import { implicitAlsRecommender, recalculateUser, DEFAULT_IMPLICIT_ALS, type ImplicitAlsModel } from '../algorithms/implicit-als';
import type { ItemKnnModel } from '../algorithms/item-knn';
import type { Rp3betaModel } from '../algorithms/rp3beta';
import { KnnScratch, neighbourhoodTerm } from '../algorithms/knn-common';
import type { PopularityModel } from '../algorithms/popularity';
import type { BiasesModel } from '../algorithms/biases';
import { BiasedMfConfig, type BiasedMfModel } from '../algorithms/biased-mf';
import { solveSpdInPlace } from '../core/linalg';
import { liveUserBias, liveUserKnnEstimate, liveUserSimilarities, type LiveUserKnnModel } from '../algorithms/user-knn-live';
import { indexOfSorted, transpose } from '../core/sparse';
import { topKPositions } from '../algorithms/similarity';
import { ModelFitError, ShapeError, type Csr, type RatingMatrix } from '../core/types';
import { runCg } from '../kernels/als-kernel';
import { createTopScratch, selectTop } from '../core/select-top';
import { topKFromScores } from '../algorithms/mf-common';
import {
  certifiedCoverage,
  COVERAGE_DELTA_GRID,
  coverageAt,
  discoveryOrder,
  packCandidates,
  SLOT_WINDOW,
  smallestCoveringDelta,
  smallestCoveringSlots,
  smallestCoveringDeltaWithSlots,
  bestOfLists,
  COVERAGE_CANDIDATES,
  shiftScores,
  topCandidates,
  type CoverageScores,
} from './coverage-floor';
import { ServingWasm, type WasmCsr } from '../kernels/serving-wasm';

/** Neighbour lists: row i holds (index, weight) pairs, best first where the table is a "most similar" list. */
export interface NeighbourTable {
  indptr: Int32Array;
  indices: Int32Array;
  sims: Float32Array;
}

/** Rating-time histograms of the train (the hybrid's {@link HybridModel.time} without per-user lists). */
export interface ServingTime {
  t0: number;
  binSeconds: number;
  nBins: number;
  windowBins: number;
  recentCount: number;
  /** nItems × (nBins + 1) prefix counts of ratings per time bin. */
  cum: Int32Array;
}

export interface ServingModel {
  /** itemIdx → movieId. Length nItems. */
  itemIds: Int32Array;
  /** userIdx → userId of the training snapshot. Length nUsers. */
  userIds: Int32Array;
  /** Implicit ALS: k, item factors (nItems × k), training-time user factors (offline only), YᵀY, [reg, alpha, threshold]. */
  k: number;
  itemFactors: Float32Array;
  userFactors: Float32Array;
  itemGram: Float64Array;
  alsParams: Float32Array;
  /** Sparsified EASE B: row j = the scored items i with B_ji (largest |B_ji| first); empty rows for unmodelled j. */
  ease: NeighbourTable;
  /** 1 for items inside EASE's dense solve (the others score below every modelled item). */
  easeModelled: Uint8Array;
  easeThreshold: number;
  /**
   * Graded positives (EaseConfig.minWeight < 1): a rating r ≥ threshold enters the fold-in with weight
   * minWeight + (1 − minWeight)·(r − threshold)/(scaleMax − threshold), as in the fit. Absent = binary (also in
   * versions stored before grading existed).
   */
  easeMinWeight?: number;
  easeScaleMax?: number;
  /** Item-kNN similarities: row i = its most similar items, best first (rating prediction, "more like this"). */
  knn: NeighbourTable;
  /**
   * The neighbour-sum ranking base (item-kNN's 'sum' score or RP3beta's walk): row j = the items i that rated movie j
   * adds weight to, with that weight; a user's score of i is the sum over their rated movies.
   */
  knnReverse: NeighbourTable;
  /** Only ratings ≥ this enter that sum (RP3beta's interaction threshold). Absent = every rating (item-kNN). */
  knnRankThreshold?: number;
  /** Weight of the baseline μ + b_i tie-break added to that sum. Absent = 1e-4 (item-kNN); 0 for RP3beta. */
  knnTieBreak?: number;
  knnK: number;
  knnMinK: number;
  /** Baseline of item-kNN: μ, item biases, the user-bias regularisation of the fold-in. */
  globalMean: number;
  itemBias: Float32Array;
  userBiasReg: number;
  /** Item biases of the 'biases' rating base (same fold-in). */
  baseItemBias: Float32Array;
  baseUserBiasReg: number;
  /** Biased MF of the rating blend: k, item factors (nItems × k), item biases, μ, [λ, λ_b] (per-rating penalties). */
  mfK: number;
  mfItemFactors: Float32Array;
  mfItemBias: Float32Array;
  mfMean: number;
  mfReg: Float32Array;
  /** Live user-kNN of the rating blend: training residuals by item, its baselines, [k, minK, shrinkage, λ_u]. */
  ukIndptr: Int32Array;
  ukUsers: Int32Array;
  ukResiduals: Float32Array;
  ukItemBias: Float32Array;
  ukMean: number;
  ukParams: Float32Array;
  /** Content: L2-normalised TF-IDF item vectors (nItems rows). */
  contentVectors: { nCols: number; indptr: Int32Array; indices: Int32Array; values: Float32Array };
  /** Content cosine neighbours ("more like this"). */
  content: NeighbourTable;
  contentMeanShrinkage: number;
  contentPredictShrinkage: number;
  contentPredictNeighbours: number;
  /** Popularity base score, standardised log-popularity, ratings per item, exposure z. Length nItems. */
  popScore: Float32Array;
  popZ: Float32Array;
  itemCount: Int32Array;
  exposureZ: Float32Array;
  /**
   * Discovery slots (coverage): for warm users, the last `discoverySlots` places of the top 10 go to their best items
   * of ranks 11–20 flagged in `discoveryItems` (shown to none of the training users at calibration). Absent = off.
   */
  discoverySlots?: number;
  discoveryItems?: Uint8Array;
  time: ServingTime | null;
  /** Ranking features (hybrid order), the kind of each ranking base, and the learned weights. */
  rankFeatures: string[];
  rankGroups: Source[];
  rankBaseKinds: string[];
  warm: Float32Array;
  cold: Float32Array;
  anon: Float32Array;
  coldUserThreshold: number;
  coldItemThreshold: number;
  /** Rating blend: feature names, base kinds, ridge weights. */
  ratingFeatures: string[];
  ratingBaseKinds: string[];
  ratingWeights: Float32Array;
  /** Users with fewer ratings get the support terms of this many (HybridModel.ratingSupportMinUser). Absent = none. */
  ratingSupportMinUser?: number;
  scale: number[];
}

/** A user's current ratings: dense item indices, values and (optionally) unix-second timestamps, same order. */
export interface UserRatings {
  itemIdx: Int32Array;
  values: Float32Array;
  times?: Float64Array;
  /** true: the model was not trained on this member (signed up or first rated after it); see {@link predictRating}. */
  newMember?: boolean;
}

/**
 * ALS factors trained elsewhere (e.g. Spark MLlib `ALSModel.userFactors` / `itemFactors`), keyed by raw id.
 * Rows are aligned to the rating matrix's vocabularies; ids missing from the table get zero vectors.
 */
export interface ExternalFactors {
  k: number;
  itemIds: Int32Array;
  /** itemIds.length × k, row-major. */
  itemFactors: Float32Array;
  userIds: Int32Array;
  /** userIds.length × k, row-major. */
  userFactors: Float32Array;
  /** λ and α used by the external trainer, reused by live fold-in. */
  reg: number;
  alpha: number;
}

export interface ServingConfig {
  /** The hybrid's parameters (hybrid-registry.ts schema; defaults = the served model). */
  params: HybridParams;
  /** Use these factors instead of fitting implicit ALS (the scale-out trainer contract, docs/SCALING.md). */
  externalFactors?: ExternalFactors;
  /** Train rows with timestamps (temporal validation split and the time features). */
  timeRows?: { userIds: Int32Array; movieIds: Int32Array; timestamps?: Float64Array };
  /** Learn only these blends (the eval CLI's task); default both. */
  tasks?: readonly ('rating' | 'ranking')[];
  log?: (msg: string) => void;
}

export const DEFAULT_SERVING: ServingConfig = { params: HybridParamsSchema.parse({}) };

// ---------------------------------------------------------------------------------------------
// Building the tables from a fitted hybrid.

function csrToTable(m: Csr): NeighbourTable {
  return { indptr: Int32Array.from(m.indptr), indices: Int32Array.from(m.indices), sims: Float32Array.from(m.values) };
}

/** Keeps the `k` largest positive values of each row, best first (ties: lower index). O(nnz log k). */
function topPerRow(m: Csr, k: number): NeighbourTable {
  const indptr = new Int32Array(m.nRows + 1);
  const idx: number[] = [];
  const val: number[] = [];
  for (let r = 0; r < m.nRows; r++) {
    for (const p of topKPositions(m.values, m.indices, m.indptr[r], m.indptr[r + 1], k)) {
      if (!(m.values[p] > 0)) continue;
      idx.push(m.indices[p]);
      val.push(m.values[p]);
    }
    indptr[r + 1] = idx.length;
  }
  return { indptr, indices: Int32Array.from(idx), sims: Float32Array.from(val) };
}

/** EASE's dense B as a table over item indices, each row cut to its `k` largest |B_ji|. O(n² log n). */
export function sparsifyEase(model: EaseModel, k: number): { table: NeighbourTable; modelled: Uint8Array } {
  const { n, nItems, itemIdxs, weights } = model;
  const modelled = new Uint8Array(nItems);
  for (let q = 0; q < n; q++) modelled[itemIdxs[q]] = 1;
  const indptr = new Int32Array(nItems + 1);
  const keepN = Math.min(k, Math.max(0, n - 1));
  const rowIdx = new Int32Array(keepN * n);
  const rowVal = new Float32Array(keepN * n);
  const abs = new Float32Array(n);
  const rowOf = new Int32Array(nItems).fill(-1);
  for (let q = 0; q < n; q++) rowOf[itemIdxs[q]] = q;
  let nnz = 0;
  for (let i = 0; i < nItems; i++) {
    const q = rowOf[i];
    if (q >= 0 && keepN > 0) {
      const row = weights.subarray(q * n, q * n + n);
      for (let c = 0; c < n; c++) abs[c] = Math.abs(row[c]);
      // The keepN-th largest |B| is the cut; ties at the cut keep the lower positions.
      const cut = abs.slice().sort()[n - keepN];
      let taken = 0;
      for (let c = 0; c < n && taken < keepN; c++) {
        if (abs[c] > cut) {
          rowIdx[nnz + taken] = itemIdxs[c];
          rowVal[nnz + taken++] = row[c];
        }
      }
      for (let c = 0; c < n && taken < keepN; c++) {
        if (abs[c] === cut && c !== q) {
          rowIdx[nnz + taken] = itemIdxs[c];
          rowVal[nnz + taken++] = row[c];
        }
      }
      nnz += taken;
    }
    indptr[i + 1] = nnz;
  }
  return { table: { indptr, indices: rowIdx.slice(0, nnz), sims: rowVal.slice(0, nnz) }, modelled };
}

/**
 * Content cosine neighbours through an inverted index: for item i, Σ_f x_if · X[:, f]. O(Σ_i Σ_{f∈i} df(f)).
 */
export function contentNeighbours(vectors: Csr, k: number, maxDf = 300): NeighbourTable {
  const n = vectors.nRows;
  const byFeature = transpose(vectors);
  // Features in more than maxDf items (the broadest genres) carry little idf weight but dominate the cost.
  const skip = new Uint8Array(byFeature.nRows);
  for (let f = 0; f < byFeature.nRows; f++) skip[f] = byFeature.indptr[f + 1] - byFeature.indptr[f] > maxDf ? 1 : 0;
  const scores = new Float32Array(n);
  const touched = new Int32Array(n);
  const indptr = new Int32Array(n + 1);
  const idx: number[] = [];
  const val: number[] = [];
  const top = createTopScratch(k);
  const { indptr: xIndptr, indices: xIndices, values: xValues } = vectors;
  const { indptr: fIndptr, indices: fItems, values: fValues } = byFeature;
  for (let i = 0; i < n; i++) {
    let nt = 0;
    const pEnd = xIndptr[i + 1];
    for (let p = xIndptr[i]; p < pEnd; p++) {
      const f = xIndices[p];
      if (skip[f]) continue;
      const w = xValues[p];
      const qEnd = fIndptr[f + 1];
      for (let q = fIndptr[f]; q < qEnd; q++) {
        const j = fItems[q];
        if (j === i) continue;
        if (scores[j] === 0) touched[nt++] = j;
        scores[j] += w * fValues[q];
      }
    }
    // The k best candidates (a bounded heap: all 9,742 catalogue movies get a row, each with thousands of candidates).
    selectTop(touched, nt, scores, k, top, idx, val);
    for (let t = 0; t < nt; t++) scores[touched[t]] = 0;
    indptr[i + 1] = idx.length;
  }
  return { indptr, indices: Int32Array.from(idx), sims: Float32Array.from(val) };
}

const EMPTY_TABLE = (n: number): NeighbourTable => ({ indptr: new Int32Array(n + 1), indices: new Int32Array(0), sims: new Float32Array(0) });

/** The model's kind tag ('ease', 'item-knn', …). */
function kindOf(model: unknown): string {
  return (model as { kind?: string } | null)?.kind ?? 'unknown';
}

/**
 * Turns a fitted hybrid into the served tables. Throws when a base has no live fold-in here (user-kNN, biased MF,
 * SVD++ need the whole rating matrix or a per-user solve not wired up).
 */
export function servingFromHybrid(
  h: HybridModel,
  data: RatingMatrix,
  cfg: Pick<HybridParams, 'easeNeighbours' | 'knnNeighbours' | 'contentNeighbours'> & { contentMeanShrinkage?: number; mfReg?: number; mfRegBias?: number; skipContentNeighbours?: boolean },
): ServingModel {
  const nItems = data.items.size;
  let als: ImplicitAlsModel | null = null;
  let ease: EaseModel | null = null;
  let knnRank: ItemKnnModel | Rp3betaModel | null = null;
  let pop: PopularityModel | null = null;
  for (const b of h.rankingBases) {
    const kind = kindOf(b.model);
    if (kind === 'implicit-als') als = b.model as ImplicitAlsModel;
    else if (kind === 'ease') ease = b.model as EaseModel;
    else if (kind === 'item-knn' || kind === 'rp3beta') {
      if (knnRank) throw new ModelFitError(`serving: ranking base "${b.name}" is a second neighbour-sum base (one is served)`);
      knnRank = b.model as ItemKnnModel | Rp3betaModel;
    } else if (kind === 'popularity') pop = b.model as PopularityModel;
    else throw new ModelFitError(`serving: ranking base "${b.name}" (${kind}) has no live fold-in`);
  }
  let knnRate: ItemKnnModel | null = null;
  let biases: BiasesModel | null = null;
  let mf: BiasedMfModel | null = null;
  let uk: LiveUserKnnModel | null = null;
  for (const b of h.ratingBases) {
    const kind = kindOf(b.model);
    if (kind === 'item-knn') knnRate = b.model as ItemKnnModel;
    else if (kind === 'biases') biases = b.model as BiasesModel;
    else if (kind === 'biased-mf') mf = b.model as BiasedMfModel;
    else if (kind === 'user-knn-live') uk = b.model as LiveUserKnnModel;
    else throw new ModelFitError(`serving: rating base "${b.name}" (${kind}) has no live fold-in`);
  }
  const knnAny = knnRate ?? (knnRank?.kind === 'item-knn' ? knnRank : null);
  const easeParts = ease ? sparsifyEase(ease, cfg.easeNeighbours) : { table: EMPTY_TABLE(nItems), modelled: new Uint8Array(nItems) };
  const X = h.content?.itemVectors;
  const k = als?.k ?? 0;
  const alsParams = als ? Float32Array.of(als.reg, als.alpha, als.threshold) : Float32Array.of(DEFAULT_IMPLICIT_ALS.reg, DEFAULT_IMPLICIT_ALS.alpha, DEFAULT_IMPLICIT_ALS.threshold);
  const t = h.time;
  return {
    itemIds: Int32Array.from(data.items.ids),
    userIds: Int32Array.from(data.users.ids),
    k,
    itemFactors: als ? als.itemFactors : new Float32Array(0),
    userFactors: als ? als.userFactors : new Float32Array(0),
    itemGram: als ? als.itemGram : new Float64Array(0),
    alsParams,
    ease: easeParts.table,
    easeModelled: easeParts.modelled,
    easeThreshold: ease?.threshold ?? 3.5,
    ...(ease && ease.minWeight !== undefined && ease.minWeight < 1 && ease.scaleMax !== undefined ? { easeMinWeight: ease.minWeight, easeScaleMax: ease.scaleMax } : {}),
    knn: knnAny ? topPerRow(knnAny.sims, cfg.knnNeighbours) : EMPTY_TABLE(nItems),
    knnReverse: knnRank ? csrToTable(knnRank.reverseNeighbors) : EMPTY_TABLE(nItems),
    ...(knnRank?.kind === 'rp3beta' ? { knnRankThreshold: knnRank.threshold, knnTieBreak: 0 } : {}),
    knnK: knnAny?.k ?? 40,
    knnMinK: knnAny?.minK ?? 1,
    globalMean: knnAny?.biases.mean ?? data.globalMean,
    itemBias: knnAny ? Float32Array.from(knnAny.biases.itemBias) : new Float32Array(nItems),
    userBiasReg: 15,
    baseItemBias: biases ? Float32Array.from(biases.itemBias) : new Float32Array(nItems),
    baseUserBiasReg: 15,
    mfK: mf?.k ?? 0,
    mfItemFactors: mf ? mf.itemFactors : new Float32Array(0),
    mfItemBias: mf ? mf.itemBias : new Float32Array(nItems),
    mfMean: mf?.globalMean ?? data.globalMean,
    mfReg: Float32Array.of(cfg.mfReg ?? 0.1, cfg.mfRegBias ?? cfg.mfReg ?? 0.1),
    ukIndptr: uk ? uk.table.indptr : new Int32Array(nItems + 1),
    ukUsers: uk ? uk.table.users : new Int32Array(0),
    ukResiduals: uk ? uk.table.residuals : new Float32Array(0),
    ukItemBias: uk ? uk.itemBias : new Float32Array(nItems),
    ukMean: uk?.mean ?? data.globalMean,
    ukParams: uk ? Float32Array.of(uk.k, uk.minK, uk.shrinkage, uk.regUser) : Float32Array.of(40, 1, 100, 15),
    contentVectors: X ? { nCols: X.nCols, indptr: X.indptr, indices: X.indices, values: X.values } : { nCols: 0, indptr: new Int32Array(nItems + 1), indices: new Int32Array(0), values: new Float32Array(0) },
    content: X && !cfg.skipContentNeighbours ? contentNeighbours(X, cfg.contentNeighbours) : EMPTY_TABLE(nItems),
    contentMeanShrinkage: cfg.contentMeanShrinkage ?? 2,
    contentPredictShrinkage: h.content?.predictShrinkage ?? 1,
    contentPredictNeighbours: h.content?.predictNeighbours ?? 40,
    popScore: pop ? Float32Array.from(pop.score) : new Float32Array(nItems),
    popZ: h.popZ,
    itemCount: h.itemCount,
    exposureZ: h.exposureZ ?? new Float32Array(nItems),
    time: t ? { t0: t.t0, binSeconds: t.binSeconds, nBins: t.nBins, windowBins: t.windowBins, recentCount: maxRecent(t.recentIndptr), cum: t.cum } : null,
    rankFeatures: [...h.rankFeatures],
    rankGroups: [...h.rankFeatureGroup],
    rankBaseKinds: h.rankingBases.map((b) => kindOf(b.model)),
    warm: snapZero(h.warm?.w),
    cold: snapZero(h.cold?.w),
    anon: snapZero(h.anon?.w),
    coldUserThreshold: h.coldUserThreshold,
    coldItemThreshold: h.coldItemThreshold,
    ratingFeatures: [...h.ratingFeatures],
    ratingBaseKinds: h.ratingBases.map((b) => kindOf(b.model)),
    ratingWeights: h.ratingWeights ?? new Float32Array(0),
    ...(h.ratingSupportMinUser !== undefined ? { ratingSupportMinUser: h.ratingSupportMinUser } : {}),
    scale: [h.scale[0], h.scale[1]],
  };
}

/**
 * Blend weights with float32 round-off residue of coordinate ascent (e.g. 0.1 − 0.05 − 0.05 ≈ 7e-9) set to exactly
 * 0, so serving skips those features' cost; their effect on any score is below 1e-7.
 */
function snapZero(w: Float32Array | undefined): Float32Array {
  return w ? w.map((x) => (Math.abs(x) < 1e-6 ? 0 : x)) : new Float32Array(0);
}

function maxRecent(indptr: Int32Array): number {
  let m = 0;
  for (let u = 0; u + 1 < indptr.length; u++) m = Math.max(m, indptr[u + 1] - indptr[u]);
  return Math.max(m, 1);
}

// ---------------------------------------------------------------------------------------------
// Live fold-in and scoring.

/** A user's row of a rating matrix (and its aligned timestamps) as "current ratings". */
export function userRow(data: RatingMatrix, u: number, times: Float64Array | null): UserRatings {
  if (u < 0 || u >= data.byUser.nRows) return { itemIdx: new Int32Array(0), values: new Float32Array(0) };
  const a = data.byUser.indptr[u];
  const b = data.byUser.indptr[u + 1];
  return { itemIdx: data.byUser.indices.subarray(a, b), values: data.byUser.values.subarray(a, b), times: times?.subarray(a, b) };
}

/** The serving model's ALS part in the shape `recalculateUser` (live fold-in) expects. */
export function alsView(m: ServingModel): ImplicitAlsModel {
  return {
    kind: 'implicit-als',
    k: m.k,
    nUsers: m.userIds.length,
    nItems: m.itemIds.length,
    userFactors: m.userFactors,
    itemFactors: m.itemFactors,
    itemGram: m.itemGram,
    loss: new Float64Array(0),
    reg: m.alsParams[0],
    alpha: m.alsParams[1],
    threshold: m.alsParams[2],
    confidence: 'binary',
  };
}

/** Positives above which the fold-in switches from the Cholesky solve to conjugate gradients. */
const CG_FOLD_IN_FROM = 60;
const CG_FOLD_IN_STEPS = 12;

/**
 * The user's ALS vector from the current ratings: the least-squares re-solve (YᵀY + λI + α Σ_pos y yᵀ) x = (1 + α)
 * Σ_pos y. Up to {@link CG_FOLD_IN_FROM} positives by `recalculateUser` (Cholesky, O(n·k² + k³)); beyond that the
 * same system by conjugate gradients without forming the matrix (O(steps·(k² + n·k))), cheaper from ≈ 50
 * positives on and under a millisecond for heavy users. Binary confidence (the served ALS's setting).
 */
export function foldInAls(model: ServingModel, user: UserRatings): Float32Array {
  const k = model.k;
  const reg = model.alsParams[0];
  const alpha = model.alsParams[1];
  const thr = model.alsParams[2];
  let nPos = 0;
  for (let t = 0; t < user.values.length; t++) if (user.values[t] >= thr && user.itemIdx[t] >= 0) nPos++;
  if (nPos <= CG_FOLD_IN_FROM) return recalculateUser(alsView(model), user.itemIdx, user.values);
  const Y = model.itemFactors;
  const G = model.itemGram;
  const pos = new Int32Array(nPos);
  let m = 0;
  for (let t = 0; t < user.values.length; t++) if (user.values[t] >= thr && user.itemIdx[t] >= 0) pos[m++] = user.itemIdx[t];
  const b = new Float64Array(k);
  for (const i of pos) for (let f = 0; f < k; f++) b[f] += (1 + alpha) * Y[i * k + f];
  const apply = (v: Float64Array, out: Float64Array) => {
    for (let a = 0; a < k; a++) {
      let s = reg * v[a];
      for (let c = 0; c < k; c++) s += G[a * k + c] * v[c];
      out[a] = s;
    }
    for (const i of pos) {
      let d = 0;
      for (let f = 0; f < k; f++) d += Y[i * k + f] * v[f];
      d *= alpha;
      for (let f = 0; f < k; f++) out[f] += d * Y[i * k + f];
    }
  };
  // CG from x = 0 (residual r = b), the same loop as the ALS solver's rows.
  const x = new Float64Array(k);
  const r = b.slice();
  const p = new Float64Array(k);
  const Ap = new Float64Array(k);
  runCg(x, r, p, Ap, k, CG_FOLD_IN_STEPS, () => apply(p, Ap));
  return Float32Array.from(x);
}

/** Reusable per-request buffers (one per worker; never shared by concurrent requests). */
export interface ServingScratch {
  cols: Float32Array[];
  mask: Uint8Array;
  acc: Float64Array;
  /** Dense content profile (all zero between requests) and the features it touched. */
  profile: Float32Array;
  touched: Int32Array;
  /** The last user's ALS vector (explanations). */
  alsX: Float32Array;
}

export function createServingScratch(model: ServingModel): ServingScratch {
  const n = model.itemIds.length;
  return {
    cols: model.rankFeatures.map(() => new Float32Array(n)),
    mask: new Uint8Array(n),
    acc: new Float64Array(n),
    profile: new Float32Array(model.contentVectors.nCols),
    touched: new Int32Array(model.contentVectors.nCols),
    alsX: new Float32Array(model.k),
  };
}

/** The ranking weights for a user with `nRatings` current ratings: anonymous (0), cold (≤ threshold) or warm. */
export function weightsFor(model: ServingModel, nRatings: number): Float32Array {
  const pick = nRatings === 0 ? (model.anon.length ? model.anon : model.cold) : nRatings <= model.coldUserThreshold ? model.cold : model.warm;
  const w = pick.length ? pick : model.warm.length ? model.warm : model.cold;
  if (!w.length) throw new ModelFitError('serving: no ranking blend was learned');
  return w;
}

/** Shrunk mean of the user's ratings (the content profile's centre). */
function shrunkMean(model: ServingModel, user: UserRatings): number {
  let s = 0;
  for (let t = 0; t < user.values.length; t++) s += user.values[t];
  const beta = model.contentMeanShrinkage;
  return (s + beta * model.globalMean) / (user.values.length + beta);
}

/**
 * Content profile Σ_j (r_j − μ'_u)·v_j (uncentred when every weight is 0) into the dense `p`, which must be all
 * zero on entry; returns the features it touched (so the caller can zero just those) and the stored entries of the
 * rated movies. O(Σ nnz of the rated items).
 */
function contentProfile(model: ServingModel, user: UserRatings, p: Float32Array, touched: Int32Array): { nt: number; entries: number } {
  const X = model.contentVectors;
  const { indptr, values: xv } = X;
  const cols = narrowed(X.indices);
  const { itemIdx, values } = user;
  const h = itemIdx.length;
  const mean = shrunkMean(model, user);
  let any = false;
  let entries = 0;
  for (let t = 0; t < h; t++) {
    const j = itemIdx[t];
    entries += indptr[j + 1] - indptr[j];
    if (values[t] !== mean) any = true;
  }
  if (entries >= X.nCols / 4) {
    // Long histories: plain sums, then one scan of the features for the non-zero ones (cheaper than tracking each).
    const k = kernelsOf(model);
    if (k && k.profileView === p && h <= k.capacity) {
      const nItems = indptr.length - 1;
      let r = 0;
      for (let t = 0; t < h; t++) {
        const w = any ? values[t] - mean : 1;
        const j = itemIdx[t];
        if (w === 0 || !(j >= 0 && j < nItems)) continue;
        k.rowsView[r] = j;
        k.weightsView[r++] = w;
      }
      k.wasm.scatterWeighted(k.content, k.profile, k.rows, k.weights, r);
    } else {
      for (let t = 0; t < h; t++) {
        const w = any ? values[t] - mean : 1;
        if (w === 0) continue;
        const j = itemIdx[t];
        const end = indptr[j + 1];
        for (let q = indptr[j]; q < end; q++) p[cols[q]] += w * xv[q];
      }
    }
    let nt = 0;
    const nCols = X.nCols;
    for (let f = 0; f < nCols; f++) if (p[f] !== 0) touched[nt++] = f;
    return { nt, entries };
  }
  let nt = 0;
  for (let t = 0; t < h; t++) {
    const w = any ? values[t] - mean : 1;
    if (w === 0) continue;
    const j = itemIdx[t];
    const end = indptr[j + 1];
    for (let q = indptr[j]; q < end; q++) {
      const f = cols[q];
      if (p[f] === 0) touched[nt++] = f;
      p[f] += w * xv[q];
      // A sum that cancels to exactly 0 would be listed twice: nudge it off 0 (1e-30 is below any real weight).
      if (p[f] === 0) p[f] = 1e-30;
    }
  }
  return { nt, entries };
}

/** Feature → items transpose of the content vectors, built once per loaded model. */
const contentByFeature = new WeakMap<ServingModel, Csr>();

/**
 * Cosine of every item the user has not rated (`mask` 0) to the user's content profile into `out`: through the
 * feature → items index when the profile's features reach fewer entries than the whole matrix (light users), else
 * one gather pass over the unrated items' vectors (rated items get 0 there; standardising zeroes them anyway).
 */
function contentScores(model: ServingModel, user: UserRatings, s: ServingScratch, out: Float32Array): void {
  const k = kernelsOf(model);
  // With the kernels the profile lives in their memory (the gather reads it there).
  const p = k ? k.profileView : s.profile;
  const touched = s.touched;
  const { nt } = contentProfile(model, user, p, touched);
  let byF = contentByFeature.get(model);
  if (!byF) contentByFeature.set(model, (byF = transpose(asCsr(model))));
  const fIndptr = byF.indptr;
  let reach = 0;
  let n2 = 0;
  for (let t = 0; t < nt; t++) {
    const f = touched[t];
    reach += fIndptr[f + 1] - fIndptr[f];
    n2 += p[f] * p[f];
  }
  // Scattering through the transpose costs ≈ 1.4× a gather per entry: it pays while it reaches < 70% of them.
  if (reach < 0.7 * model.contentVectors.values.length) {
    const items = narrowed(byF.indices);
    const fv = byF.values;
    out.fill(0);
    for (let t = 0; t < nt; t++) {
      const f = touched[t];
      const pf = p[f];
      const end = fIndptr[f + 1];
      for (let q = fIndptr[f]; q < end; q++) out[items[q]] += pf * fv[q];
    }
  } else if (k) {
    k.maskView.set(s.mask);
    k.wasm.gather(k.content, k.profile, k.mask, k.out, out.length);
    out.set(k.outView);
  } else {
    // multiplyDense over the unrated rows only (the same sums in the same order).
    const { indptr, values } = model.contentVectors;
    const cols = narrowed(model.contentVectors.indices);
    const mask = s.mask;
    const nRows = out.length;
    for (let r = 0; r < nRows; r++) {
      if (mask[r]) {
        out[r] = 0;
        continue;
      }
      let d = 0;
      const end = indptr[r + 1];
      for (let q = indptr[r]; q < end; q++) d += values[q] * p[cols[q]];
      out[r] = d;
    }
  }
  const inv = n2 > 0 ? 1 / Math.sqrt(n2) : 0;
  for (let i = 0; i < out.length; i++) out[i] *= inv;
  for (let t = 0; t < nt; t++) p[touched[t]] = 0;
}

/** 16-bit copies of index arrays whose values all fit (less memory traffic in the hot loops), cached per array. */
const narrowCache = new WeakMap<Int32Array, Uint16Array | Int32Array>();

function narrowed(indices: Int32Array): Uint16Array | Int32Array {
  let c = narrowCache.get(indices);
  if (c) return c;
  let max = 0;
  for (let p = 0; p < indices.length; p++) if (indices[p] > max) max = indices[p];
  c = max <= 0xffff && indices.every((x) => x >= 0) ? Uint16Array.from(indices) : indices;
  narrowCache.set(indices, c);
  return c;
}

/** Cosine of two items' content vectors (L2-normalised rows: a sparse dot product); 0 without content. */
export function contentCosine(model: ServingModel): (a: number, b: number) => number {
  const X = asCsr(model);
  return (a, b) => rowDot(X, a, X, b);
}

function asCsr(model: ServingModel): Csr {
  const X = model.contentVectors;
  return { nRows: model.itemIds.length, nCols: X.nCols, indptr: X.indptr, indices: X.indices, values: X.values };
}

/**
 * The scoring tables copied into a WebAssembly kernel instance (serving-wasm.ts) with its accumulators and
 * per-request buffers (views on its memory), built once per loaded model: ≈ 6 bytes per stored EASE / kNN /
 * content entry. The kernels give the same sums as the TypeScript loops (bit-identical scores).
 */
interface ScoringKernels {
  wasm: ServingWasm;
  ease: WasmCsr;
  easeAcc: number;
  easeAccView: Float64Array;
  knn: WasmCsr;
  knnAcc: number;
  knnAccView: Float64Array;
  content: WasmCsr;
  /** Dense content profile (all zero between requests), the rated-item mask and the cosine output. */
  profile: number;
  profileView: Float32Array;
  mask: number;
  maskView: Uint8Array;
  out: number;
  outView: Float32Array;
  /** Row lists (and weights) of one call; histories longer than `capacity` use the TypeScript loops. */
  rows: number;
  rowsView: Int32Array;
  weights: number;
  weightsView: Float64Array;
  capacity: number;
  /** Explanations: page slot of each item (kNN) / modelled position (EASE), best term and its rated movie per slot. */
  slotKnn: number;
  slotKnnView: Int32Array;
  slotEase: number;
  slotEaseView: Int32Array;
  bestKnn: number;
  bestKnnView: Float64Array;
  bestEase: number;
  bestEaseView: Float64Array;
  fromKnn: number;
  fromKnnView: Int32Array;
  fromEase: number;
  fromEaseView: Int32Array;
}
const scoringKernels = new WeakMap<ServingModel, ScoringKernels | null>();
let kernelsEnabled = true;

/**
 * Switches the WebAssembly scoring kernels on or off for this thread (on by default; off = the TypeScript loops,
 * e.g. to compare both paths). Returns the previous setting.
 */
export function setScoringKernels(on: boolean): boolean {
  const was = kernelsEnabled;
  kernelsEnabled = on;
  return was;
}

function kernelsOf(model: ServingModel): ScoringKernels | null {
  if (!kernelsEnabled) return null;
  let k = scoringKernels.get(model);
  if (k !== undefined) return k;
  const wasm = ServingWasm.create();
  if (!wasm) {
    scoringKernels.set(model, null);
    return null;
  }
  const n = model.itemIds.length;
  const c = compactEaseOf(model);
  const X = model.contentVectors;
  const ease = wasm.putCsr(model.ease.indptr, Int32Array.from(c.local), model.ease.sims);
  const knn = wasm.putCsr(model.knnReverse.indptr, model.knnReverse.indices, model.knnReverse.sims);
  const content = wasm.putCsr(X.indptr, X.indices, X.values);
  const easeAcc = wasm.alloc(c.items.length * 8);
  const knnAcc = wasm.alloc(n * 8);
  const profile = wasm.alloc(X.nCols * 4);
  const mask = wasm.alloc(n);
  const out = wasm.alloc(n * 4);
  const rows = wasm.alloc(n * 4);
  const weights = wasm.alloc(n * 8);
  const slotKnn = wasm.alloc(n * 4);
  const slotEase = wasm.alloc(c.items.length * 4);
  const bestKnn = wasm.alloc(n * 8);
  const bestEase = wasm.alloc(n * 8);
  const fromKnn = wasm.alloc(n * 4);
  const fromEase = wasm.alloc(n * 4);
  // Views last: placing memory may grow it, which detaches earlier views.
  k = {
    wasm,
    ease,
    easeAcc,
    easeAccView: wasm.f64(easeAcc, c.items.length),
    knn,
    knnAcc,
    knnAccView: wasm.f64(knnAcc, n),
    content,
    profile,
    profileView: wasm.f32(profile, X.nCols),
    mask,
    maskView: wasm.u8(mask, n),
    out,
    outView: wasm.f32(out, n),
    rows,
    rowsView: wasm.i32(rows, n),
    weights,
    weightsView: wasm.f64(weights, n),
    capacity: n,
    slotKnn,
    slotKnnView: wasm.i32(slotKnn, n),
    slotEase,
    slotEaseView: wasm.i32(slotEase, c.items.length),
    bestKnn,
    bestKnnView: wasm.f64(bestKnn, n),
    bestEase,
    bestEaseView: wasm.f64(bestEase, n),
    fromKnn,
    fromKnnView: wasm.i32(fromKnn, n),
    fromEase,
    fromEaseView: wasm.i32(fromEase, n),
  };
  scoringKernels.set(model, k);
  return k;
}

/** EASE's B with its column indices renumbered over the modelled items (a small, cache-resident accumulator). */
interface CompactEase {
  /** Item index of each modelled item, ascending. */
  items: Int32Array;
  /** Per stored entry of B, the modelled position of its column (16-bit when they fit: less memory traffic). */
  local: Uint16Array | Int32Array;
  acc: Float64Array;
}
const compactEase = new WeakMap<ServingModel, CompactEase>();

function compactEaseOf(model: ServingModel): CompactEase {
  let c = compactEase.get(model);
  if (c) return c;
  const pos = new Int32Array(model.itemIds.length).fill(-1);
  const items: number[] = [];
  for (let i = 0; i < pos.length; i++) if (model.easeModelled[i]) pos[i] = items.push(i) - 1;
  const { indices } = model.ease;
  const wide = new Int32Array(indices.length);
  for (let p = 0; p < indices.length; p++) {
    const l = pos[indices[p]];
    // An entry outside the modelled set (not produced by the fit) keeps its own slot at the end.
    wide[p] = l >= 0 ? l : (pos[indices[p]] = items.push(indices[p]) - 1);
  }
  const local = items.length <= 0xffff ? Uint16Array.from(wide) : wide;
  c = { items: Int32Array.from(items), local, acc: new Float64Array(items.length) };
  compactEase.set(model, c);
  return c;
}

/**
 * The fold-in weight of a rating in EASE's sum: 1 for binary positives, graded when the model is (0 below threshold).
 */
function easeRatingWeight(model: ServingModel, r: number): number {
  return easeWeight({ threshold: model.easeThreshold, minWeight: model.easeMinWeight, scaleMax: model.easeScaleMax }, r);
}

/**
 * EASE scores of a history (sparsified B) into `out`: Σ w(r_j)·B_j over the rated movies; unmodelled items get the
 * EASE sentinel. The kernels sum unweighted rows, so graded models take the TypeScript loop. The hot loops read only
 * locals (row ends hoisted): V8 otherwise reloads each bound per entry, ≈ 4× slower for long histories.
 */
function easeScores(model: ServingModel, itemIdx: Int32Array, values: Float32Array, out: Float32Array): void {
  const c = compactEaseOf(model);
  const { items, local } = c;
  const { indptr, sims } = model.ease;
  const threshold = model.easeThreshold;
  const h = itemIdx.length;
  const k = kernelsOf(model);
  let acc = c.acc;
  if (k && h <= k.capacity && model.easeMinWeight === undefined) {
    acc = k.easeAccView;
    acc.fill(0);
    const nItems = indptr.length - 1;
    let r = 0;
    for (let t = 0; t < h; t++) {
      const j = itemIdx[t];
      if (values[t] >= threshold && j >= 0 && j < nItems) k.rowsView[r++] = j;
    }
    k.wasm.scatter(k.ease, k.easeAcc, k.rows, r);
  } else {
    acc.fill(0);
    for (let t = 0; t < h; t++) {
      const wt = easeRatingWeight(model, values[t]);
      if (wt === 0) continue;
      const j = itemIdx[t];
      const end = indptr[j + 1];
      for (let p = indptr[j]; p < end; p++) acc[local[p]] += wt * sims[p];
    }
  }
  out.fill(EASE_UNMODELLED_SCORE);
  const modelled = model.easeModelled;
  for (let l = 0; l < items.length; l++) if (modelled[items[l]]) out[items[l]] = acc[l];
}

/** Whether a rating enters the neighbour-sum base (RP3beta counts only ratings ≥ its threshold). */
function knnCounts(model: ServingModel, value: number): boolean {
  return model.knnRankThreshold === undefined || value >= model.knnRankThreshold;
}

/**
 * The neighbour-sum base's score of every item — item-kNN's 'sum' (Σ s_ij over the rated j that have i among their
 * reversed neighbours) plus its tiny baseline tie-break (the user term is constant per user and standardises away),
 * or RP3beta's Σ W(j → i) over the rated j ≥ its threshold — into `out`. O(Σ_j |rev(j)| + nItems); `acc` is scratch.
 */
function knnScores(model: ServingModel, user: UserRatings, scratchAcc: Float64Array, out: Float32Array): void {
  const { indptr, sims } = model.knnReverse;
  const itemIdx = user.itemIdx;
  const h = itemIdx.length;
  const k = kernelsOf(model);
  let acc = scratchAcc;
  if (k && h <= k.capacity) {
    acc = k.knnAccView;
    acc.fill(0);
    const nItems = indptr.length - 1;
    let r = 0;
    for (let t = 0; t < h; t++) {
      const j = itemIdx[t];
      if (j >= 0 && j < nItems && knnCounts(model, user.values[t])) k.rowsView[r++] = j;
    }
    k.wasm.scatter(k.knn, k.knnAcc, k.rows, r);
  } else {
    const indices = narrowed(model.knnReverse.indices);
    acc.fill(0);
    for (let t = 0; t < h; t++) {
      if (!knnCounts(model, user.values[t])) continue;
      const j = itemIdx[t];
      const end = indptr[j + 1];
      for (let p = indptr[j]; p < end; p++) acc[indices[p]] += sims[p];
    }
  }
  const mu = model.globalMean;
  const bias = model.itemBias;
  const tie = model.knnTieBreak ?? 1e-4;
  for (let i = 0; i < out.length; i++) out[i] = acc[i] + (mu + bias[i]) * tie;
}

/** The user's `n` most recent ratings (time desc, ties by item), as parallel arrays. O(h·n) selection. */
function recentRatings(user: UserRatings, n: number): { items: Int32Array; values: Float32Array } {
  const times = user.times!;
  const top: number[] = [];
  const before = (a: number, b: number) => times[a] > times[b] || (times[a] === times[b] && user.itemIdx[a] < user.itemIdx[b]);
  for (let t = 0; t < user.itemIdx.length; t++) {
    if (top.length === n && !before(t, top[n - 1])) continue;
    let pos = top.length < n ? top.length : n - 1;
    if (top.length < n) top.push(t);
    while (pos > 0 && before(t, top[pos - 1])) {
      top[pos] = top[pos - 1];
      pos--;
    }
    top[pos] = t;
  }
  return { items: Int32Array.from(top, (t) => user.itemIdx[t]), values: Float32Array.from(top, (t) => user.values[t]) };
}

/**
 * Fills `s.cols` with the hybrid's ranking features for a user's current ratings (same definitions and order as
 * hybrid.ts's feature columns; standardised over the items the user has not rated). `profileScores` replaces the
 * content column (e.g. a chosen-genres profile). With weights `w`, a column whose weight is 0 is left all zero
 * (its cost skipped); with `out` too, out = Σ_f w_f·cols_f is accumulated as each column is finished (features in
 * order, the same float32 sums as a separate blend pass, without re-reading the columns).
 */
export function servingFeatureColumns(model: ServingModel, user: UserRatings, s: ServingScratch, profileScores?: Float32Array, w?: Float32Array, out?: Float32Array): void {
  const n = model.itemIds.length;
  const { cols, mask } = s;
  mask.fill(0);
  for (let t = 0; t < user.itemIdx.length; t++) mask[user.itemIdx[t]] = 1;
  const has = user.itemIdx.length > 0;
  const nb = model.rankBaseKinds.length;
  const acc = out ?? null;
  acc?.fill(0);
  const weight = (f: number) => (w ? w[f] : 1);
  // Adds w_f·cols_f to `out` (columns that were standardised in place are added by standardizeBlend instead).
  const add = (f: number) => {
    if (acc && weight(f) !== 0) addScaled(acc, w![f], cols[f]);
  };
  for (let b = 0; b < nb; b++) {
    const kind = model.rankBaseKinds[b];
    const col = cols[b];
    // A base the user's blend gives weight 0 cannot change the score: skip its (fold-in) cost.
    if (weight(b) === 0) {
      col.fill(0);
      continue;
    }
    if (kind === 'popularity') col.set(model.popScore);
    else if (!has) {
      col.fill(0);
      continue;
    } else if (kind === 'ease') easeScores(model, user.itemIdx, user.values, col);
    else if (kind === 'item-knn' || kind === 'rp3beta') knnScores(model, user, s.acc, col);
    else if (kind === 'implicit-als') {
      const x = foldInAls(model, user);
      s.alsX.set(x);
      const k = model.k;
      const Y = model.itemFactors;
      for (let i = 0; i < n; i++) {
        let v = 0;
        const o = i * k;
        for (let f = 0; f < k; f++) v += x[f] * Y[o + f];
        col[i] = v;
      }
    }
    standardizeBlend(col, mask, weight(b), acc);
  }
  const cCol = cols[nb];
  if (profileScores) cCol.set(profileScores);
  else if (has && model.contentVectors.nCols > 0) contentScores(model, user, s, cCol);
  else cCol.fill(0);
  standardizeBlend(cCol, mask, weight(nb), acc);
  cols[nb + 1].set(model.popZ);
  add(nb + 1);
  const coldCol = cols[nb + 2];
  coldCol.set(coldItemColumn(model));
  add(nb + 2);
  const coldX = cols[nb + 3];
  if (weight(nb + 3) === 0) coldX.fill(0);
  else {
    for (let i = 0; i < n; i++) coldX[i] = coldCol[i] * cCol[i];
    add(nb + 3);
  }
  const time = model.time;
  const before = cols[nb + 4];
  const after = cols[nb + 5];
  if (time) {
    let last = Number.NaN;
    if (user.times) for (let t = 0; t < user.times.length; t++) if (!(user.times[t] <= last)) last = user.times[t];
    timeWindowColumns(time, last, mask, before, after);
    add(nb + 4);
    add(nb + 5);
  } else {
    before.fill(0);
    after.fill(0);
  }
  cols[nb + 6].set(model.exposureZ);
  add(nb + 6);
  const recentCol = cols[nb + 7];
  const hasEase = model.rankBaseKinds.includes('ease');
  if (time && hasEase && has && user.times && weight(nb + 7) !== 0) {
    const r = recentRatings(user, time.recentCount);
    easeScores(model, r.items, r.values, recentCol);
    standardizeBlend(recentCol, mask, weight(nb + 7), acc);
  } else recentCol.fill(0);
}

/** 1 for items with at most `coldItemThreshold` training ratings (the 'coldItem' column), built once per model. */
const coldItemColumns = new WeakMap<ServingModel, Float32Array>();

function coldItemColumn(model: ServingModel): Float32Array {
  let c = coldItemColumns.get(model);
  if (!c) {
    const { itemCount, coldItemThreshold } = model;
    coldItemColumns.set(model, (c = Float32Array.from(itemCount, (x) => (x <= coldItemThreshold ? 1 : 0))));
  }
  return c;
}

/**
 * hybrid.ts's {@link standardize} of `col` (z-scores over the unmasked finite entries, masked → 0, sentinels → the
 * lowest z), and with `out` and wf ≠ 0, out[i] += wf·col[i] in the same write pass (the blend of that feature with
 * the same float32 roundings). A weight-0 column is only standardised when it will be read without weights.
 */
function standardizeBlend(col: Float32Array, mask: Uint8Array, wf: number, out: Float32Array | null): void {
  if (!out || wf === 0) {
    standardize(col, mask);
    return;
  }
  const { mean, inv, low } = standardizeStats(col, mask);
  const len = col.length;
  for (let i = 0; i < len; i++) {
    const v = col[i];
    const z = Math.fround(mask[i] ? 0 : !(v > SENTINEL_SCORE) || v === Infinity ? low : (v - mean) * inv);
    col[i] = z;
    out[i] += wf * z;
  }
}

/** out += w·col. */
function addScaled(out: Float32Array, w: number, col: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] += w * col[i];
}

/**
 * The hybrid's For You score of every item for the user's current ratings (higher is better); the feature columns
 * stay in `scratch` for {@link topContribution}. Rated items are not masked here (callers exclude them).
 */
export function scoreUser(model: ServingModel, user: UserRatings, out: Float32Array, scratch: ServingScratch = createServingScratch(model), profileScores?: Float32Array): void {
  if (out.length !== model.itemIds.length) throw new ShapeError(`score buffer ${out.length} ≠ ${model.itemIds.length} items`);
  const w = weightsFor(model, profileScores ? 0 : user.itemIdx.length);
  servingFeatureColumns(model, user, scratch, profileScores, w, out);
}

// ---------------------------------------------------------------------------------------------
// Explanations.

/**
 * Builds the per-model state that the request path otherwise creates on first use (the WebAssembly kernels' table
 * copies, the compact EASE, content by feature, the cold-item column) by serving one made-up member the way a For
 * You request does, so the first real request after a model load does not pay for it (≈ 0.2–0.3 s at ML-1M
 * shape). Scores of later requests are unaffected.
 */
export function warmServing(model: ServingModel): void {
  const n = model.itemIds.length;
  if (n === 0) return;
  const user: UserRatings = { itemIdx: Int32Array.of(0), values: Float32Array.of(model.scale[1] ?? 5) };
  const scratch = createServingScratch(model);
  const scores = new Float32Array(n);
  scoreUser(model, user, scores, scratch);
  const page = topN(scores, user.itemIdx, Math.min(20, n - 1));
  explainPage(model, user, scratch, page);
  const ctx = ratingContext(model, user);
  for (const i of page) predictRating(model, ctx, i);
}

export type ContributionBase = 'ease' | 'knn' | 'als' | 'content' | 'pop';

export interface Contribution {
  /** Source group with the largest contribution w_f·x_f to the item's score. */
  source: Source;
  /** The feature inside that group that contributed most. */
  base: ContributionBase;
  /** The rated item that contributed most to that feature (B_ji, s_ij or w_uj·v_j·v_i), else −1. */
  fromItemIdx: number;
}

/**
 * Why each item of a page is recommended, from the score's own decomposition: the source group (collaborative,
 * content, popular) with the largest Σ w_f·x_f; inside it the largest feature; inside that the rated movie with the
 * largest term (EASE B_ji over positives, item-kNN s_ij, content (r_j − μ')·v_j·v_i). ALS has no per-movie
 * decomposition: its reason falls back to the largest EASE/kNN term when one exists. One pass over the rated
 * movies' rows serves the whole page: O(n·(K_ease + k_knn + nnz(v_j))). Needs the scratch of {@link scoreUser} for
 * the same user.
 */
export function explainPage(model: ServingModel, user: UserRatings, scratch: ServingScratch, page: readonly number[]): Contribution[] {
  const w = weightsFor(model, user.itemIdx.length);
  const personal = user.itemIdx.length > 0;
  const out: Contribution[] = page.map((itemIdx) => {
    const sums: Record<Source, number> = { collaborative: 0, content: 0, popular: 0 };
    for (let f = 0; f < w.length; f++) sums[model.rankGroups[f]] += w[f] * scratch.cols[f][itemIdx];
    let source: Source = 'popular';
    if (personal) {
      // "Popular" is a truthful reason only for an item more popular than average (negative popularity weights
      // also lift niche items); otherwise the larger personal group names the reason.
      const groups = model.popZ[itemIdx] > 0 ? (['collaborative', 'content', 'popular'] as const) : (['collaborative', 'content'] as const);
      let bestV = -Infinity;
      for (const g of groups) {
        if (sums[g] > bestV) {
          bestV = sums[g];
          source = g;
        }
      }
    }
    if (source !== 'collaborative') return { source, base: source === 'content' ? 'content' : 'pop', fromItemIdx: -1 };
    let bestF = -1;
    let bestV = -Infinity;
    for (let f = 0; f < w.length; f++) {
      if (model.rankGroups[f] !== 'collaborative') continue;
      const v = w[f] * scratch.cols[f][itemIdx];
      if (v > bestV) {
        bestV = v;
        bestF = f;
      }
    }
    const kind = bestF >= 0 && bestF < model.rankBaseKinds.length ? model.rankBaseKinds[bestF] : 'ease';
    return { source, base: kind === 'implicit-als' ? 'als' : kind === 'item-knn' || kind === 'rp3beta' ? 'knn' : 'ease', fromItemIdx: -1 };
  });
  // Slot of each page item that needs a rated movie, per decomposition.
  const n = model.itemIds.length;
  const slotCollab = new Int32Array(n).fill(-1);
  const contentSlots: number[] = [];
  out.forEach((c, x) => {
    if (c.source === 'collaborative') slotCollab[page[x]] = x;
    else if (c.source === 'content') contentSlots.push(x);
  });
  // Collaborative: scan each rated movie's EASE and kNN rows once; kNN items prefer the kNN term, others EASE.
  const bestEase = new Float64Array(page.length);
  const fromEase = new Int32Array(page.length).fill(-1);
  const bestKnn = new Float64Array(page.length);
  const fromKnn = new Int32Array(page.length).fill(-1);
  const scan = (t: NeighbourTable, j: number, best: Float64Array, from: Int32Array, wj = 1) => {
    for (let p = t.indptr[j]; p < t.indptr[j + 1]; p++) {
      const x = slotCollab[t.indices[p]];
      if (x >= 0 && wj * t.sims[p] > best[x]) {
        best[x] = wj * t.sims[p];
        from[x] = j;
      }
    }
  };
  const k = kernelsOf(model);
  const graded = model.easeMinWeight !== undefined;
  if (out.some((c) => c.source === 'collaborative') && k && !graded && page.length <= k.capacity && user.itemIdx.length <= k.capacity) {
    // The same scan in the kernels (EASE rows hold compact positions: their slots go through the modelled items).
    const { items } = compactEaseOf(model);
    k.slotKnnView.set(slotCollab);
    for (let l = 0; l < items.length; l++) k.slotEaseView[l] = slotCollab[items[l]];
    const m = page.length;
    k.bestEaseView.fill(0, 0, m);
    k.bestKnnView.fill(0, 0, m);
    k.fromEaseView.fill(-1, 0, m);
    k.fromKnnView.fill(-1, 0, m);
    const nItems = model.ease.indptr.length - 1;
    let r = 0;
    for (let t = 0; t < user.itemIdx.length; t++) {
      const j = user.itemIdx[t];
      if (user.values[t] >= model.easeThreshold && j >= 0 && j < nItems) k.rowsView[r++] = j;
    }
    k.wasm.argmax(k.ease, k.slotEase, k.bestEase, k.fromEase, k.rows, r);
    r = 0;
    for (let t = 0; t < user.itemIdx.length; t++) {
      const j = user.itemIdx[t];
      if (j >= 0 && j < nItems && knnCounts(model, user.values[t])) k.rowsView[r++] = j;
    }
    k.wasm.argmax(k.knn, k.slotKnn, k.bestKnn, k.fromKnn, k.rows, r);
    fromEase.set(k.fromEaseView.subarray(0, m));
    fromKnn.set(k.fromKnnView.subarray(0, m));
  } else if (out.some((c) => c.source === 'collaborative')) {
    for (let t = 0; t < user.itemIdx.length; t++) {
      const j = user.itemIdx[t];
      // EASE's term of rated movie j is w(r_j)·B_ji (graded positives; 1 or 0 when binary).
      const wj = easeRatingWeight(model, user.values[t]);
      if (wj > 0) scan(model.ease, j, bestEase, fromEase, wj);
      if (knnCounts(model, user.values[t])) scan(model.knnReverse, j, bestKnn, fromKnn);
    }
  }
  out.forEach((c, x) => {
    if (c.source !== 'collaborative') return;
    c.fromItemIdx = c.base === 'knn' ? (fromKnn[x] >= 0 ? fromKnn[x] : fromEase[x]) : fromEase[x] >= 0 ? fromEase[x] : fromKnn[x];
  });
  // Content: (r_j − μ')·(v_j·v_i) for every rated j and content page item i, through a feature → page-entry index.
  if (contentSlots.length > 0) {
    const X = model.contentVectors;
    const head = new Map<number, number[]>();
    for (const x of contentSlots) {
      const i = page[x];
      for (let q = X.indptr[i]; q < X.indptr[i + 1]; q++) {
        let l = head.get(X.indices[q]);
        if (l === undefined) head.set(X.indices[q], (l = []));
        l.push(x, q);
      }
    }
    const mean = shrunkMean(model, user);
    const dots = new Float64Array(page.length);
    const best = new Float64Array(page.length);
    for (let t = 0; t < user.itemIdx.length; t++) {
      const wj = user.values[t] - mean;
      if (!(wj > 0)) continue;
      const j = user.itemIdx[t];
      dots.fill(0);
      for (let q = X.indptr[j]; q < X.indptr[j + 1]; q++) {
        const l = head.get(X.indices[q]);
        if (l) for (let e = 0; e < l.length; e += 2) if (page[l[e]] !== j) dots[l[e]] += X.values[q] * X.values[l[e + 1]];
      }
      for (const x of contentSlots) {
        if (wj * dots[x] > best[x]) {
          best[x] = wj * dots[x];
          out[x].fromItemIdx = j;
        }
      }
    }
  }
  return out;
}

/** {@link explainPage} for one item. */
export function topContribution(model: ServingModel, user: UserRatings, scratch: ServingScratch, itemIdx: number): Contribution {
  return explainPage(model, user, scratch, [itemIdx])[0];
}

// ---------------------------------------------------------------------------------------------
// Rating prediction: the hybrid's ridge blend, each base folded in.

const knnScratch = new KnnScratch();

/** Per-user state of the rating blend (user biases and the rated-item map), reused across items. */
export interface RatingContext {
  user: UserRatings;
  rated: Map<number, number>;
  /** Biased MF fold-in: [b_u, p_u…] (empty without an MF base). */
  mf: Float64Array;
  /** User bias of item-kNN's baseline and of the 'biases' base. */
  bu: number;
  buBase: number;
  contentMean: number;
  /** Live user-kNN: the user's bias and similarity to every training user (computed on first use). */
  ukBu?: number;
  ukSims?: Float64Array;
  /** Scratch of the content prediction (allocated on first use). */
  sims?: Float32Array;
  simAcc?: Float64Array;
  /** The rated movies' content entries grouped by feature (built on first use, shared by predictions and reasons). */
  byFeature?: RatedByFeature;
}

/**
 * Feature → (position t in the user's ratings, x_jf) lists over the rated movies' content vectors, t ascending in
 * each list. Lets a content similarity to every rated movie cost only the entries sharing a feature with the item.
 */
interface RatedByFeature {
  /** nCols + 1 offsets. */
  start: Int32Array;
  pos: Int32Array;
  vals: Float32Array;
}

function ratedByFeature(model: ServingModel, ctx: RatingContext): RatedByFeature {
  if (ctx.byFeature) return ctx.byFeature;
  const X = model.contentVectors;
  const { indptr, indices, values } = X;
  const { itemIdx } = ctx.user;
  const nItems = indptr.length - 1;
  const start = new Int32Array(X.nCols + 1);
  for (let t = 0; t < itemIdx.length; t++) {
    const j = itemIdx[t];
    if (!(j >= 0 && j < nItems)) continue;
    const end = indptr[j + 1];
    for (let q = indptr[j]; q < end; q++) start[indices[q] + 1]++;
  }
  for (let f = 0; f < X.nCols; f++) start[f + 1] += start[f];
  const fill = start.slice(0, X.nCols);
  const pos = new Int32Array(start[X.nCols]);
  const vals = new Float32Array(start[X.nCols]);
  for (let t = 0; t < itemIdx.length; t++) {
    const j = itemIdx[t];
    if (!(j >= 0 && j < nItems)) continue;
    const end = indptr[j + 1];
    for (let q = indptr[j]; q < end; q++) {
      const e = fill[indices[q]]++;
      pos[e] = t;
      vals[e] = values[q];
    }
  }
  return (ctx.byFeature = { start, pos, vals });
}

/**
 * v_i · v_j for every rated movie j (position t) into `sims` (0 for j = i): for each feature of i in stored order,
 * the rated entries of that feature — the same products summed in the same (ascending feature) order as the
 * row-by-row dot products over sorted rows, so the same float64 sums. O(Σ_{f ∈ i} |rated entries of f| + h).
 */
function contentSimsToRated(model: ServingModel, ctx: RatingContext, i: number, sims: Float32Array): void {
  const X = model.contentVectors;
  const { start, pos, vals } = ratedByFeature(model, ctx);
  const h = ctx.user.itemIdx.length;
  const acc = (ctx.simAcc ??= new Float64Array(h));
  acc.fill(0);
  const end = X.indptr[i + 1];
  for (let q = X.indptr[i]; q < end; q++) {
    const f = X.indices[q];
    const v = X.values[q];
    const stop = start[f + 1];
    for (let e = start[f]; e < stop; e++) acc[pos[e]] += vals[e] * v;
  }
  const itemIdx = ctx.user.itemIdx;
  for (let t = 0; t < h; t++) sims[t] = itemIdx[t] === i ? 0 : acc[t];
}

export function ratingContext(model: ServingModel, user: UserRatings): RatingContext {
  const mu = model.globalMean;
  let s = 0;
  let sBase = 0;
  const rated = new Map<number, number>();
  for (let t = 0; t < user.itemIdx.length; t++) {
    const j = user.itemIdx[t];
    rated.set(j, user.values[t]);
    s += user.values[t] - mu - model.itemBias[j];
    sBase += user.values[t] - mu - model.baseItemBias[j];
  }
  const n = user.itemIdx.length;
  return { user, rated, mf: foldInMf(model, user), bu: s / (model.userBiasReg + n), buBase: sBase / (model.baseUserBiasReg + n), contentMean: shrunkMean(model, user) };
}

/**
 * Biased-MF fold-in: the user's (b_u, p_u) minimising the MF training objective over the current ratings with the
 * item side fixed, Σ_j (r_j − μ − b_j − b_u − q_j·p)² + n·(λ_b b_u² + λ‖p‖²) (the SGD objective's per-rating
 * penalties summed over the user's n ratings): a (k+1)² ridge solve, O(n·k² + k³).
 */
export function foldInMf(model: ServingModel, user: UserRatings): Float64Array {
  const k = model.mfK;
  if (k === 0) return new Float64Array(0);
  const d = k + 1;
  const n = user.itemIdx.length;
  const A = new Float64Array(d * d);
  const b = new Float64Array(d);
  const z = new Float64Array(d);
  const Q = model.mfItemFactors;
  // Four ratings per sweep over A (each entry still sums its terms in rating order: the same float64 sums).
  const z0 = new Float64Array(d);
  const z1 = new Float64Array(d);
  const z2 = new Float64Array(d);
  const z3 = new Float64Array(d);
  const row = (t: number, zt: Float64Array): number => {
    const j = user.itemIdx[t];
    zt[0] = 1;
    for (let f = 0; f < k; f++) zt[f + 1] = Q[j * k + f];
    return user.values[t] - model.mfMean - model.mfItemBias[j];
  };
  let t = 0;
  for (; t + 3 < n; t += 4) {
    const y0 = row(t, z0);
    const y1 = row(t + 1, z1);
    const y2 = row(t + 2, z2);
    const y3 = row(t + 3, z3);
    for (let a = 0; a < d; a++) {
      const a0 = z0[a];
      const a1 = z1[a];
      const a2 = z2[a];
      const a3 = z3[a];
      let ba = b[a];
      ba += y0 * a0;
      ba += y1 * a1;
      ba += y2 * a2;
      ba += y3 * a3;
      b[a] = ba;
      const o = a * d;
      for (let c = 0; c <= a; c++) {
        let v = A[o + c];
        v += a0 * z0[c];
        v += a1 * z1[c];
        v += a2 * z2[c];
        v += a3 * z3[c];
        A[o + c] = v;
      }
    }
  }
  for (; t < n; t++) {
    const y = row(t, z);
    for (let a = 0; a < d; a++) {
      b[a] += y * z[a];
      const za = z[a];
      const o = a * d;
      for (let c = 0; c <= a; c++) A[o + c] += za * z[c];
    }
  }
  for (let a = 0; a < d; a++) for (let c = 0; c < a; c++) A[c * d + a] = A[a * d + c];
  A[0] += Math.max(n, 1) * model.mfReg[1];
  for (let f = 1; f < d; f++) A[f * d + f] += Math.max(n, 1) * model.mfReg[0];
  if (n === 0 || !solveSpdInPlace(A, d, b)) return new Float64Array(d);
  return b;
}

function predictMf(model: ServingModel, ctx: RatingContext, i: number): number {
  const k = model.mfK;
  let v = model.mfMean + model.mfItemBias[i];
  if (ctx.mf.length === k + 1) {
    v += ctx.mf[0];
    for (let f = 0; f < k; f++) v += ctx.mf[f + 1] * model.mfItemFactors[i * k + f];
  }
  return v;
}

function clip(model: ServingModel, x: number): number {
  const lo = model.scale[0];
  const hi = model.scale[1];
  return x < lo ? lo : x > hi ? hi : x;
}

/** Item-kNN prediction (Koren 2010 eq. 3) over the stored neighbour list of i. */
function predictKnn(model: ServingModel, ctx: RatingContext, i: number): number {
  const bu = model.globalMean + ctx.bu;
  const base = bu + model.itemBias[i];
  const { indptr, indices, sims } = model.knn;
  knnScratch.ensure(indptr[i + 1] - indptr[i]);
  let count = 0;
  for (let p = indptr[i]; p < indptr[i + 1]; p++) {
    const r = ctx.rated.get(indices[p]);
    if (r === undefined) continue;
    knnScratch.sims[count] = sims[p];
    knnScratch.resids[count++] = r - bu - model.itemBias[indices[p]];
  }
  const term = neighbourhoodTerm(knnScratch, count, model.knnK, model.knnMinK);
  return Number.isNaN(term) ? base : base + term;
}

/** Live user-kNN (user-knn-live.ts) from the stored residual table and the current ratings. */
function predictUserKnnLive(model: ServingModel, ctx: RatingContext, i: number): number {
  const [k, minK, shrinkage, regUser] = model.ukParams;
  const table = { indptr: model.ukIndptr, users: model.ukUsers, residuals: model.ukResiduals, nUsers: model.userIds.length };
  if (ctx.ukSims === undefined || ctx.ukBu === undefined) {
    ctx.ukBu = liveUserBias(model.ukMean, model.ukItemBias, regUser, ctx.user.itemIdx, ctx.user.values);
    ctx.ukSims = liveUserSimilarities(table, model.ukMean, model.ukItemBias, ctx.ukBu, shrinkage, ctx.user.itemIdx, ctx.user.values);
  }
  return liveUserKnnEstimate(table, ctx.ukSims, model.ukMean + ctx.ukBu + model.ukItemBias[i], i, k, minK);
}

/** Content-kNN prediction (content-tfidf.ts predictContent) from the stored item vectors. */
function predictContentLive(model: ServingModel, ctx: RatingContext, i: number): number {
  const { user } = ctx;
  const sims = (ctx.sims ??= new Float32Array(user.itemIdx.length));
  contentSimsToRated(model, ctx, i, sims);
  const top = topKIndices(sims, model.contentPredictNeighbours, (t) => sims[t] <= 0);
  let num = 0;
  let den = model.contentPredictShrinkage;
  for (const { itemIdx: t, score } of top) {
    num += score * (user.values[t] - ctx.contentMean);
    den += score;
  }
  return clip(model, ctx.contentMean + num / den);
}

/** The rating blend's feature row for item i (order of {@link ServingModel.ratingFeatures}), every base folded in. */
export function ratingRow(model: ServingModel, ctx: RatingContext, itemIdx: number, out: Float64Array): void {
  const n = ctx.user.itemIdx.length;
  let k = 0;
  out[k++] = 1;
  let b0 = 0;
  for (const kind of model.ratingBaseKinds) {
    const raw =
      kind === 'biases'
        ? biasesPrediction(model, ctx, itemIdx)
        : kind === 'biased-mf'
          ? predictMf(model, ctx, itemIdx)
          : kind === 'user-knn-live'
            ? predictUserKnnLive(model, ctx, itemIdx)
            : predictKnn(model, ctx, itemIdx);
    const p = clip(model, raw);
    if (k === 1) b0 = p;
    out[k++] = p;
  }
  const hasContent = model.ratingFeatures.includes('content');
  let c = 0;
  if (hasContent) {
    c = n > 0 ? predictContentLive(model, ctx, itemIdx) : clip(model, model.globalMean);
    out[k++] = c;
  }
  const coldU = n <= model.coldUserThreshold ? 1 : 0;
  const coldI = model.itemCount[itemIdx] <= model.coldItemThreshold ? 1 : 0;
  out[k++] = coldU * b0;
  out[k++] = coldI * b0;
  if (hasContent) {
    out[k++] = coldU * c;
    out[k++] = coldI * c;
  }
  // Support terms (models trained with them list them after the cold terms; older models stop here).
  if (k < out.length) writeSupportTerms(out, k, model.ratingBaseKinds.length + (hasContent ? 1 : 0), Math.max(n, model.ratingSupportMinUser ?? 0), model.itemCount[itemIdx]);
}

/** The 'biases' rating base for the current ratings, μ + b_u + b_i with b_u folded in (unclipped). */
export function biasesPrediction(model: ServingModel, ctx: RatingContext, itemIdx: number): number {
  return model.globalMean + ctx.buBase + model.baseItemBias[itemIdx];
}

/**
 * A member the model was not trained on gets the biases base until this many ratings: the blend learns on users the
 * item side was fitted with, and for others it is worse than the biases below this (validation,
 * scripts/eval-new-members.ts; docs/benchmarks/hybrid.md).
 */
export const NEW_MEMBER_BLEND_FROM = 40;

/** Whether the model was trained on this member (the snapshot's ids are sorted ascending). O(log nUsers). */
export function trainedOn(model: Pick<ServingModel, 'userIds'>, userId: number): boolean {
  return indexOfSorted(model.userIds, userId) >= 0;
}

/**
 * Predicted rating of item i: the hybrid's ridge blend over its rating bases (biases, item-kNN, biased MF) and
 * content, with the cold user/item terms, every base computed from the current ratings (the blend was learned on
 * rows computed the same way). Clipped to the scale.
 *
 * A member with at most `coldUserThreshold` ratings gets the 'biases' base alone (μ + b_i + their folded-in b_u):
 * the blend learns on members with a history (13+ ratings on ml-latest-small) and is worse than that baseline for
 * new members (validation: members left out of the fit, folded in from their first 1 / 3 / 5 ratings — RMSE 0.948 /
 * 0.939 / 0.939 for the blend against 0.927 / 0.914 / 0.911 for the biases; docs/benchmarks/hybrid.md).
 */
export function predictRating(model: ServingModel, user: UserRatings | RatingContext, itemIdx: number): number {
  const ctx = 'rated' in user ? user : ratingContext(model, user);
  const w = model.ratingWeights;
  if (itemIdx < 0 || itemIdx >= model.itemIds.length) return clip(model, model.globalMean + ctx.buBase);
  const n = ctx.user.itemIdx.length;
  if (model.ratingBaseKinds.includes('biases') && (n <= model.coldUserThreshold || (ctx.user.newMember === true && n < NEW_MEMBER_BLEND_FROM))) {
    return clip(model, biasesPrediction(model, ctx, itemIdx));
  }
  if (!w.length) return clip(model, predictKnn(model, ctx, itemIdx));
  const row = new Float64Array(w.length);
  ratingRow(model, ctx, itemIdx, row);
  let v = 0;
  for (let f = 0; f < w.length; f++) v += w[f] * row[f];
  return Number.isFinite(v) ? clip(model, v) : clip(model, model.globalMean);
}

/** Indices of the n highest scores, skipping `exclude` and non-finite scores, best first. */
export function topN(scores: Float32Array, exclude: ArrayLike<number>, n: number): number[] {
  const banned = new Uint8Array(scores.length);
  for (let t = 0; t < exclude.length; t++) if (exclude[t] >= 0 && exclude[t] < banned.length) banned[exclude[t]] = 1;
  return topKIndices(scores, n, (i) => banned[i] === 1 || !Number.isFinite(scores[i])).map((s) => s.itemIdx);
}

// ---------------------------------------------------------------------------------------------
// Training.

export interface ServingTrainResult {
  model: ServingModel;
  /** Validation metrics of the learned blends (holdout carved from the training ratings). */
  metrics: { 'ndcg@10': number; 'recall@20': number; 'coverage@10': number; rmse: number; users: number };
  timings: Record<string, number>;
  /** What the coverage floor did, its last step (absent when it is off or there is no warm blend). */
  coverageFloor?: CoverageFloorResult;
  /** Every step: the primary column, then each fallback column tried while the floor was not reached. */
  coverageFloorSteps?: CoverageFloorResult[];
}

export interface CoverageFloorResult {
  feature: string;
  floor: number;
  /** The warm weight of `feature` was lowered by this much. */
  delta: number;
  /** Discovery slots given (feature 'slots'). */
  slots?: number;
  /** Feature 'slots', floor not reached: the coverage the most slots would have given (not applied). */
  slotsCoverage?: number;
  /** Calibration users (warm users, sampled beyond the cap). */
  users: number;
  /** Scored again by the served check (no certificate that their linear top 10 is the served one), over all checks. */
  rescored: number;
  /** Coverage@10 of their served lists before and after. */
  coverageBefore: number;
  coverage: number;
  reached: boolean;
}

/**
 * The calibration users' served scores, kept between the floor's steps on one model. `full` holds every unrated item
 * of every user when that fits {@link FULL_CALIBRATION_ENTRIES} (the served check then certifies every user but
 * near-ties without scoring them again, and a later step shifts the scores by its weight change instead of scoring
 * everyone again); `search` is each user's {@link COVERAGE_CANDIDATES} best, the δ search's input. `warm` = the warm
 * weights they were scored (or shifted) at.
 */
export interface CalibrationLists {
  full?: CoverageScores | null;
  search?: CoverageScores;
  warm?: Float32Array;
}

/** Largest number of (user, item) entries kept as full calibration lists (8 bytes each: 160 MB). */
export const FULL_CALIBRATION_ENTRIES = 20_000_000;

/**
 * The lists at the model's current warm weights: the shared ones when they are of these weights, or shifted to them
 * when only per-item column weights (exposure, pop) changed and the full lists are kept; otherwise `score()` (each
 * user's served scores as candidate lists, complete or the best few). Updates `shared`.
 */
function calibrationLists(
  shared: CalibrationLists,
  model: ServingModel,
  nUsers: number,
  score: () => { items: Int32Array; scores: Float32Array; complete: boolean }[],
): { full: CoverageScores | null; search: CoverageScores } {
  const w = model.warm;
  if (shared.search && shared.warm && shared.search.nUsers === nUsers) {
    const changed: number[] = [];
    for (let f = 0; f < w.length; f++) if (w[f] !== shared.warm[f]) changed.push(f);
    const shiftable = changed.every((f) => model.rankFeatures[f] === 'exposure' || model.rankFeatures[f] === 'pop');
    if (changed.length === 0) return { full: shared.full ?? null, search: shared.search };
    if (shiftable && shared.full) {
      for (const f of changed) shiftScores(shared.full, model.rankFeatures[f] === 'exposure' ? model.exposureZ : model.popZ, w[f] - shared.warm[f]);
      shared.search = bestOfLists(shared.full);
      shared.warm = w.slice();
      return { full: shared.full, search: shared.search };
    }
  }
  const packed = packCandidates(model.itemIds.length, score());
  const full = packed.complete && packed.complete.every((c) => c === 1) ? packed : null;
  shared.full = full;
  shared.search = full ? bestOfLists(full) : packed;
  shared.warm = w.slice();
  return { full, search: shared.search };
}

/** The coverage calibration's users: the model's warm users, a seeded sample of `maxUsers` beyond that many. */
function calibrationUsers(model: ServingModel, data: RatingMatrix, maxUsers: number, seed: number): number[] {
  const { indptr } = data.byUser;
  const warmUsers: number[] = [];
  for (let u = 0; u < data.byUser.nRows; u++) if (indptr[u + 1] - indptr[u] > model.coldUserThreshold) warmUsers.push(u);
  const cap = Math.max(1, maxUsers);
  return warmUsers.length > cap ? sampleSorted(warmUsers, cap, seed + 5) : warmUsers;
}

/** Most discovery slots the calibration may give (of the top 10). */
export const DISCOVERY_MAX_SLOTS = 5;

/**
 * Discovery slots (lib/recommender/serving/coverage-floor.ts): scores the warm users' served lists from their training ratings,
 * flags the items none of their top 10 holds, and sets the smallest number of slots (0 … 5) at which their re-ordered
 * top-10 lists cover `floor` of the items. Reads no held-out row or label. Sets `model.discoverySlots` /
 * `discoveryItems` only when the floor is reached; otherwise leaves the model unchanged (the caller falls back).
 */
export function applyDiscoverySlots(
  model: ServingModel,
  data: RatingMatrix,
  times: Float64Array | null,
  opts: { floor: number; maxUsers: number; seed: number },
): CoverageFloorResult | null {
  if (!(opts.floor > 0) || model.warm.length === 0) return null;
  const n = model.itemIds.length;
  if (n !== data.items.size) throw new ShapeError(`model has ${n} items, the ratings ${data.items.size}`);
  const users = calibrationUsers(model, data, opts.maxUsers, opts.seed);
  if (users.length === 0) return null;
  const scratch = createServingScratch(model);
  const buf = new Float32Array(n);
  const lists = users.map((u) => {
    scoreUser(model, userRow(data, u, times), buf, scratch);
    return topKFromScores(buf, data, u, SLOT_WINDOW).map((pick) => pick.itemIdx);
  });
  const pick = smallestCoveringSlots(lists, n, opts.floor, DISCOVERY_MAX_SLOTS);
  if (pick.reached) {
    model.discoverySlots = pick.slots;
    model.discoveryItems = pick.longTail;
  }
  return {
    feature: 'slots',
    floor: opts.floor,
    delta: 0,
    slots: pick.reached ? pick.slots : 0,
    users: users.length,
    rescored: 0,
    coverageBefore: pick.coverageBefore,
    coverage: pick.reached ? pick.coverage : pick.coverageBefore,
    reached: pick.reached,
    ...(pick.reached ? {} : { slotsCoverage: pick.coverage }),
  };
}

/**
 * The served order of a user's ranked list (best first, at least the first 20 when there are that many): the
 * discovery slots for warm users (more than `coldUserThreshold` ratings), the list itself otherwise.
 */
export function servedOrder<T extends number>(model: ServingModel, nRatings: number, list: readonly T[]): T[] {
  const slots = model.discoverySlots ?? 0;
  if (slots <= 0 || !model.discoveryItems || nRatings <= model.coldUserThreshold) return [...list];
  return discoveryOrder(list, model.discoveryItems, slots);
}

/**
 * Lowers the warm blend's weight on a per-item column (exposure or popularity) until the warm users' own served
 * top-10 lists cover `floor` of the model's items (lib/recommender/serving/coverage-floor.ts). Reads only the training
 * ratings in `data` (and their times): no held-out rows or labels. The δ found on the linear form is checked on the
 * served scores ({@link certifiedCoverage}: a user is scored again through {@link scoreUser} unless their linear top
 * 10 is provably the served one); the next grid value that reaches the floor is tried
 * while the check falls short (at most four checks), and the best checked δ is kept — none, when every one lowers
 * coverage (a floor out of reach). Mutates `model.warm`.
 */
export function applyCoverageFloor(
  model: ServingModel,
  data: RatingMatrix,
  times: Float64Array | null,
  opts: FloorOptions,
): CoverageFloorResult | null {
  const setup = floorSetup(model, data, times, opts);
  if (!setup) return null;
  const { f, cal, input, penalty, w0 } = setup;
  const checked = cal.lists.full ?? input;
  // The served lists' coverage: users whose linear top 10 is certain to be the served one are not scored again.
  let rescored = 0;
  const served = (delta: number) => {
    const r = certifiedCoverage(checked, penalty, delta, (x) => cal.servedTop(x, 10));
    rescored += r.rescored;
    return r.coverage;
  };
  let pick = smallestCoveringDelta(input, penalty, opts.floor);
  const coverageBefore = pick.index === 0 ? pick.coverage : coverageAt(input, penalty, 0);
  // Served check of the linear pick; the best checked δ is kept (none that lowers coverage: then the weight stays).
  let delta = 0;
  let coverage = coverageBefore;
  for (let attempt = 0; attempt < 4 && pick.delta > 0; attempt++) {
    model.warm[f] = w0 - pick.delta;
    const c = served(pick.delta);
    if (c > coverage) {
      delta = pick.delta;
      coverage = c;
    }
    if (c >= opts.floor || !pick.reached || pick.index === COVERAGE_DELTA_GRID.length - 1) break;
    pick = smallestCoveringDelta(input, penalty, opts.floor, COVERAGE_DELTA_GRID, pick.index + 1);
  }
  model.warm[f] = w0 - delta;
  return { feature: opts.feature, floor: opts.floor, delta, users: cal.users.length, rescored, coverageBefore, coverage, reached: coverage >= opts.floor };
}

/**
 * Discovery slots first, then the penalty for the rest (docs/benchmarks/hybrid.md, tenth round): the smallest δ of
 * the floor's grid at which the calibration users' top 20, ranked with the warm weight of `feature` lowered by δ and
 * re-ordered by the smallest number of slots (0 … {@link DISCOVERY_MAX_SLOTS}) that suffices, cover `floor`
 * ({@link smallestCoveringDeltaWithSlots}). The pick is checked on the served scores (every calibration user scored
 * again; the next δ that reaches the floor while the check falls short, at most four checks). Reached: sets the warm
 * weight, `discoverySlots` and `discoveryItems` (the long tail of the served lists at δ). Not reached: leaves the
 * model as it was (the caller falls back to the penalty alone). Reads no held-out row or label.
 */
export function applySlotsThenPenalty(
  model: ServingModel,
  data: RatingMatrix,
  times: Float64Array | null,
  opts: FloorOptions,
): CoverageFloorResult | null {
  const setup = floorSetup(model, data, times, opts);
  if (!setup) return null;
  const { f, cal, input, penalty, w0 } = setup;
  const n = model.itemIds.length;
  let pick = smallestCoveringDeltaWithSlots(input, penalty, opts.floor, DISCOVERY_MAX_SLOTS);
  // The lists at δ 0 before any slot; the search has them when it stopped there.
  const coverageBefore = pick.index === 0 ? pick.coverageBefore : coverageAt(input, penalty, 0);
  const result = (delta: number, slots: number, coverage: number, rescored: number, reached: boolean): CoverageFloorResult => ({
    feature: opts.feature,
    floor: opts.floor,
    delta,
    slots,
    users: cal.users.length,
    rescored,
    coverageBefore,
    coverage,
    reached,
  });
  // Reached as the lists are: nothing to change (the penalty rule does not check this case either).
  if (pick.reached && pick.delta === 0 && pick.slots === 0) return result(0, 0, pick.coverage, 0, true);
  let rescored = 0;
  for (let attempt = 0; attempt < 4 && pick.reached; attempt++) {
    model.warm[f] = w0 - pick.delta;
    const lists = cal.users.map((_, x) => cal.servedTop(x, SLOT_WINDOW));
    rescored += lists.length;
    const served = smallestCoveringSlots(lists, n, opts.floor, DISCOVERY_MAX_SLOTS);
    if (served.reached) {
      if (served.slots > 0) {
        model.discoverySlots = served.slots;
        model.discoveryItems = served.longTail;
      }
      return result(pick.delta, served.slots, served.coverage, rescored, true);
    }
    if (pick.index === COVERAGE_DELTA_GRID.length - 1) break;
    pick = smallestCoveringDeltaWithSlots(input, penalty, opts.floor, DISCOVERY_MAX_SLOTS, COVERAGE_DELTA_GRID, pick.index + 1);
  }
  model.warm[f] = w0;
  return { ...result(0, 0, coverageBefore, rescored, false), slotsCoverage: pick.coverage };
}

interface FloorOptions {
  floor: number;
  feature: 'exposure' | 'pop';
  maxUsers: number;
  seed: number;
  /** The calibration users' lists, shared between calls on the same model (the fallback steps): see {@link CalibrationLists}. */
  candidates?: CalibrationLists;
}

/**
 * What both floor rules start from: the warm weight's position and value, the per-item column it scales, and the
 * calibration ({@link floorCalibration}). Null when the floor is off, the model has no warm blend or the column.
 */
function floorSetup(model: ServingModel, data: RatingMatrix, times: Float64Array | null, opts: FloorOptions) {
  const f = model.rankFeatures.indexOf(opts.feature);
  if (!(opts.floor > 0) || model.warm.length === 0 || f < 0) return null;
  const cal = floorCalibration(model, data, times, opts);
  if (!cal) return null;
  const penalty = opts.feature === 'exposure' ? model.exposureZ : model.popZ;
  return { f, cal, input: cal.lists.search, penalty, w0: model.warm[f] };
}

/**
 * The floor's calibration on a model: its users, their lists at the current warm weights (shared through
 * `opts.candidates`), and each one's served top k (scored again through {@link scoreUser}). Null without users.
 */
function floorCalibration(model: ServingModel, data: RatingMatrix, times: Float64Array | null, opts: FloorOptions) {
  const n = model.itemIds.length;
  if (n !== data.items.size) throw new ShapeError(`model has ${n} items, the ratings ${data.items.size}`);
  const { indptr, indices } = data.byUser;
  const users = calibrationUsers(model, data, opts.maxUsers, opts.seed);
  if (users.length === 0) return null;
  const scratch = createServingScratch(model);
  const buf = new Float32Array(n);
  const lists = calibrationLists(opts.candidates ?? {}, model, users.length, () =>
    users.map((u) => {
      scoreUser(model, userRow(data, u, times), buf, scratch);
      // Every unrated item while the lists fit the bound (the served check then needs no re-scoring but near-ties).
      return topCandidates(buf, indices.subarray(indptr[u], indptr[u + 1]), users.length * n <= FULL_CALIBRATION_ENTRIES ? n : COVERAGE_CANDIDATES);
    }),
  );
  const servedTop = (x: number, k: number): number[] => {
    scoreUser(model, userRow(data, users[x], times), buf, scratch);
    return topKFromScores(buf, data, users[x], k).map((pick) => pick.itemIdx);
  };
  return { users, lists, servedTop };
}

/** Re-indexes external factors onto the matrix's vocabularies and computes YᵀY for fold-in. */
export function alignExternal(data: RatingMatrix, ext: ExternalFactors, threshold = DEFAULT_IMPLICIT_ALS.threshold): ImplicitAlsModel {
  const k = ext.k;
  if (ext.itemFactors.length !== ext.itemIds.length * k || ext.userFactors.length !== ext.userIds.length * k) {
    throw new ShapeError(`external factors do not match their ids × k=${k}`);
  }
  const place = (ids: Int32Array, src: Float32Array, vocab: RatingMatrix['items']) => {
    const out = new Float32Array(vocab.size * k);
    for (let r = 0; r < ids.length; r++) {
      const idx = vocab.index(ids[r]);
      if (idx !== undefined) out.set(src.subarray(r * k, r * k + k), idx * k);
    }
    return out;
  };
  const itemFactors = place(ext.itemIds, ext.itemFactors, data.items);
  const userFactors = place(ext.userIds, ext.userFactors, data.users);
  const itemGram = new Float64Array(k * k);
  for (let i = 0; i < data.items.size; i++) {
    for (let a = 0; a < k; a++) {
      const ya = itemFactors[i * k + a];
      if (ya === 0) continue;
      for (let b = 0; b < k; b++) itemGram[a * k + b] += ya * itemFactors[i * k + b];
    }
  }
  return {
    kind: 'implicit-als',
    k,
    nUsers: data.users.size,
    nItems: data.items.size,
    userFactors,
    itemFactors,
    itemGram,
    loss: new Float64Array(0),
    reg: ext.reg,
    alpha: ext.alpha,
    threshold,
    confidence: 'binary',
  };
}

/** The hybrid's engine config for a serving run; external ALS factors replace the implicit-ALS fit. */
function hybridConfigForServing(data: RatingMatrix, docs: readonly ContentDoc[] | null, cfg: ServingConfig) {
  const hc = hybridConfigFrom(cfg.params, { contentDocs: docs ?? undefined, timeRows: cfg.timeRows, tasks: cfg.tasks, log: cfg.log });
  const mfCfg = BiasedMfConfig.parse({ ...(cfg.params.baseParams['biased-mf'] ?? {}) });
  const tableCfg = { ...cfg.params, mfReg: mfCfg.reg, mfRegBias: mfCfg.regBias };
  // The rating blend learns on rows computed exactly as served: folded-in biases, MF user vectors, truncated kNN.
  hc.servedRatingRow = ({ bases, content, fit, names, coldUserThreshold, coldItemThreshold }) => {
    const { itemCount, userCount } = counts(fit);
    const partial: HybridModel = {
      rankingBases: [],
      ratingBases: bases,
      content,
      itemCount,
      userCount,
      popZ: new Float32Array(fit.items.size),
      time: null,
      exposureZ: null,
      rankFeatures: [],
      rankFeatureGroup: [],
      warm: null,
      cold: null,
      anon: null,
      ratingFeatures: names,
      ratingWeights: null,
      ratingValidationRmse: null,
      coldUserThreshold,
      coldItemThreshold,
      scale: fit.scale,
      globalMean: fit.globalMean,
    };
    const served = servingFromHybrid(partial, fit, { ...tableCfg, skipContentNeighbours: true });
    let lastU = -2;
    let ctx: RatingContext | null = null;
    return (u, i, out) => {
      if (u !== lastU || !ctx) {
        ctx = ratingContext(served, userRow(fit, u, null));
        lastU = u;
      }
      ratingRow(served, ctx, i, out);
    };
  };
  const ext = cfg.externalFactors;
  if (ext) {
    const swap = (b: HybridBase): HybridBase =>
      b.name === 'implicit-als' ? { ...b, recommender: { ...implicitAlsRecommender, fit: (d: RatingMatrix) => alignExternal(d, ext) } as HybridBase['recommender'] } : b;
    hc.rankingBases = (hc.rankingBases ?? []).map(swap);
    hc.ratingBases = (hc.ratingBases ?? []).map(swap);
  }
  return hc;
}

/**
 * Trains the served hybrid: fits the learned hybrid (validation carved from `data` only, then the bases refit on all
 * of `data`) and turns it into the serving tables. No test data is involved. `onPhase` reports progress.
 */
export async function trainServingModel(
  data: RatingMatrix,
  docs: readonly ContentDoc[] | null,
  config: Partial<ServingConfig> = {},
  onPhase: (phase: string, progress: number) => void | Promise<void> = () => {},
): Promise<ServingTrainResult> {
  const steps = trainingSteps(data, docs, config);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    // Awaiting between phases lets the caller's progress writes reach the database while training runs.
    await onPhase(step.value.phase, step.value.progress);
  }
}

/** Synchronous variant of {@link trainServingModel} (the eval CLI and the Recommender adapter). */
export function trainServingModelSync(data: RatingMatrix, docs: readonly ContentDoc[] | null, config: Partial<ServingConfig> = {}): ServingTrainResult {
  const steps = trainingSteps(data, docs, config);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

function* trainingSteps(data: RatingMatrix, docs: readonly ContentDoc[] | null, config: Partial<ServingConfig>): Generator<HybridPhase, ServingTrainResult> {
  const cfg: ServingConfig = { ...DEFAULT_SERVING, ...config };
  const timings: Record<string, number> = {};
  const t0 = performance.now();
  let tPhase = t0;
  let current = 'carving validation';
  // Rating times aligned to `data` once: the hybrid's temporal split and time features, then the coverage floor.
  const tr = cfg.timeRows;
  const times = tr?.timestamps ? alignTimestamps(data, tr.userIds, tr.movieIds, tr.timestamps) : null;
  const hybridSteps = fitHybridSteps(data, { ...hybridConfigForServing(data, docs, cfg), ...(times ? { timestamps: times } : {}) });
  let h: HybridModel;
  yield { phase: current, progress: 0 };
  for (;;) {
    const step = hybridSteps.next();
    const now = performance.now();
    timings[current] = (now - tPhase) / 1000;
    tPhase = now;
    if (step.done) {
      h = step.value;
      break;
    }
    current = step.value.phase;
    yield { phase: current, progress: 0.9 * step.value.progress };
  }
  current = 'serving tables';
  yield { phase: current, progress: 0.92 };
  const mfCfg = BiasedMfConfig.parse({ ...(cfg.params.baseParams['biased-mf'] ?? {}) });
  const model = servingFromHybrid(h, data, { ...cfg.params, mfReg: mfCfg.reg, mfRegBias: mfCfg.regBias });
  timings[current] = (performance.now() - tPhase) / 1000;
  const coverageFloorSteps: CoverageFloorResult[] = [];
  if (cfg.params.coverageFloor > 0 && model.warm.length > 0) {
    current = 'coverage floor';
    yield { phase: current, progress: 0.96 };
    tPhase = performance.now();
    const p = cfg.params;
    const floorLog = (c: CoverageFloorResult) =>
      cfg.log?.(
        `  coverage floor ${c.floor}: ${c.feature === 'slots' ? `${c.slots} discovery slots` : `${c.feature} weight −${c.delta.toFixed(3)}${c.slots ? ` and ${c.slots} discovery slots` : ''}`}, coverage@10 of ${c.users} warm users' served lists ${c.coverageBefore.toFixed(4)} → ${c.coverage.toFixed(4)}${c.reached ? '' : ` (floor not reached${c.slotsCoverage !== undefined ? `; ${c.feature === 'slots' ? `${DISCOVERY_MAX_SLOTS} slots` : `up to ${DISCOVERY_MAX_SLOTS} slots at any δ`} would give ${c.slotsCoverage.toFixed(4)}` : ''})`}`,
      );
    // Discovery slots first when asked for (alone, or with the penalty for the rest); when they cannot reach the
    // floor, the weight penalty as before.
    // The users' lists are shared by every step (the slots+penalty step leaves the weights as it found them when it
    // cannot reach the floor).
    const candidates: CalibrationLists = {};
    const slotOpts = { floor: p.coverageFloor, feature: p.coverageFloorFeature, maxUsers: p.coverageFloorUsers, seed: p.seed, candidates };
    const slots =
      p.coverageFloorMode === 'slots'
        ? applyDiscoverySlots(model, data, times, slotOpts)
        : p.coverageFloorMode === 'slots+penalty'
          ? applySlotsThenPenalty(model, data, times, slotOpts)
          : null;
    if (slots) {
      coverageFloorSteps.push(slots);
      floorLog(slots);
    }
    // The primary column first; while the floor is out of its reach, each fallback column continues from there, with
    // the users' lists of the step before (shifted by its weight change, or scored again when they cannot be).
    for (const feature of slots?.reached ? [] : [p.coverageFloorFeature, ...p.coverageFloorFallback.filter((x) => x !== p.coverageFloorFeature)]) {
      const c = applyCoverageFloor(model, data, times, { floor: p.coverageFloor, feature, maxUsers: p.coverageFloorUsers, seed: p.seed, candidates });
      if (!c) break;
      coverageFloorSteps.push(c);
      floorLog(c);
      if (c.reached) break;
    }
    timings[current] = (performance.now() - tPhase) / 1000;
  }
  timings.total = (performance.now() - t0) / 1000;
  const warm = h.warm;
  return {
    ...(coverageFloorSteps.length > 0 ? { coverageFloor: coverageFloorSteps[coverageFloorSteps.length - 1], coverageFloorSteps } : {}),
    model,
    metrics: {
      'ndcg@10': warm?.validationNdcg ?? 0,
      'recall@20': warm?.validationRecall20 ?? 0,
      'coverage@10': warm?.validationCoverage ?? 0,
      rmse: h.ratingValidationRmse ?? 0,
      users: warm?.validationUsers ?? 0,
    },
    timings,
  };
}

/**
 * The served model's schema: plain data (typed arrays and numbers), stored as a model version and loaded by every
 * process. Shapes are in each field's TSDoc; index arrays are dense item/user indices (0 … n−1).
 */
import type { Source } from '../hybrid/types';
import { type HybridParams, HybridParamsSchema } from '../hybrid/params';

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
  /**
   * The member's unrated watches, likes and watchlist adds with their weights on the rating scale
   * (core/interactions.ts `attachImplicit`): read by the implicit bases only (EASE, implicit ALS, RP3beta) and never
   * recommended back; ratings, predictions and the other bases ignore them.
   */
  implicit?: { itemIdx: Int32Array; values: Float32Array };
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

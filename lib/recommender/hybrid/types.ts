/**
 * The learned hybrid's plain-data types: its configuration, the fitted bases and the learned blends. Shapes are
 * in each field's TSDoc (weights in feature order of `rankFeatures` / `ratingFeatures`).
 */
import type { ContentDoc, ContentIndex, ContentIndexConfig, ContentTfidfModel } from '../algorithms/content-tfidf';
import type { RatingMatrix, Recommender } from '../core/types';
import type { TimeContext } from './features';

/** Where a recommendation's score mainly comes from (STYLE.md: cold start is flagged, not an error). */
export type Source = 'collaborative' | 'content' | 'popular';

/** A base model of the blend: any registered {@link Recommender} with its config. */
export interface HybridBase {
  /** Short key used in feature names and explanations, e.g. 'ease'. */
  name: string;
  // Method-syntax members of Recommender are bivariant, so any Recommender<C, M> fits here.
  recommender: Recommender<unknown, unknown>;
  config: unknown;
  /** Which source this base counts towards in `source` tags (default 'collaborative'). */
  group?: Source;
}

export interface HybridConfig {
  seed?: number;
  /** Base models of the ranking blend (scored with `scoreItems`). */
  rankingBases?: readonly HybridBase[];
  /** Base models of the rating blend (queried with `predict`). */
  ratingBases?: readonly HybridBase[];
  /** Item content; when present the content model joins both blends. */
  content?: { docs?: readonly ContentDoc[]; index?: ContentIndex } & ContentIndexConfig & { meanShrinkage?: number };
  /**
   * Unix timestamps aligned with `data.byUser.values` (same order). Enables the per-user temporal
   * validation holdout (the ranking protocol's shape); without them the holdout is random.
   */
  timestamps?: Float64Array;
  /**
   * Alternative to `timestamps`: the raw train rows with their times (e.g. the eval CLI's train
   * file), aligned to the matrix at fit. Only rows present in `data` are used.
   */
  timeRows?: { userIds: Int32Array; movieIds: Int32Array; timestamps?: Float64Array };
  /** Share of each user's train ratings held out for validation. Default 0.2. */
  validationShare?: number;
  /** Users with at most this many ratings use the cold blend. Default 5. */
  coldUserThreshold?: number;
  /** Items with at most this many ratings are "cold" (feature). Default 5. */
  coldItemThreshold?: number;
  /**
   * The cold and anonymous blends are learned only from at least this many (simulated) cold validation users;
   * with fewer, too little data to learn a blend, cold users get the warm blend. Default 0 (always learn).
   */
  minColdBlendUsers?: number;
  /** At most this many warm (and cold) validation users train the ranking blend, and score the exposure pass. Default all. */
  maxValidationUsers?: number;
  /** At most this many held-out rows (seeded sample) train the rating blend. Default all. */
  maxRatingRows?: number;
  /**
   * false: rating bases not shared with the ranking blend keep their fit on the rating validation split instead of
   * a refit on all ratings (training time; serving folds users in anyway). Default true.
   */
  refitRatingBases?: boolean;
  /** The rating blend's rows come from at most this many held-out users (seeded sample). Default all. */
  maxRatingUsers?: number;
  /** Every n-th validation user is truncated to its first `coldUserThreshold` ratings to train the cold blend. Default 5. */
  coldSimulationEvery?: number;
  /** Top-N of each base feeding the validation candidate pool. Default 100. */
  poolPerBase?: number;
  /** Relevance threshold of validation items (PROTOCOL.md: ≥ 4). */
  relevantRating?: number;
  /**
   * Ridge λ of the rating blend. Default: chosen with the feature set (with or without the support terms) by
   * 5-fold cross-validation, grouped by user, on the held-out validation rows, from {@link RIDGE_LAMBDA_GRID}.
   */
  ridgeLambda?: number;
  /** Offer the support terms (feature-weighted stacking on 1/√(1+n) of user and item) to the validation CV. Default true. */
  ratingSupportTerms?: boolean;
  /** Weight β of Recall@20 in the ranking objective NDCG@10 + β·Recall@20 + γ·coverage@10 (validation). Default {@link DEFAULT_RECALL_WEIGHT}. */
  recallWeight?: number;
  /** Weight γ of coverage@10 in the ranking objective. Default 0. */
  coverageWeight?: number;
  /**
   * Larger γ values tried after `coverageWeight` (warm blend, warm-started): the largest whose validation accuracy
   * (per-user NDCG@10 + β·Recall@20) is within one standard error of the paired difference from the `coverageWeight`
   * blend's is kept (one-standard-error rule, chosen on validation). Default none.
   */
  coverageWeightPath?: readonly number[];
  /**
   * Minimum coverage@10 of the warm blend on the validation users (a hinge penalty in the
   * objective; the product asks for ≥ 0.10). Default 0 (off).
   */
  coverageTarget?: number;
  /**
   * Feature rows of the rating blend as the caller serves them (e.g. with live fold-in), built from the validation
   * fits; default: the bases' own predictions. Rows must follow {@link HybridModel.ratingFeatures}.
   */
  servedRatingRow?: (ctx: {
    bases: readonly FittedBase[];
    content: ContentTfidfModel | null;
    fit: RatingMatrix;
    names: readonly string[];
    coldUserThreshold: number;
    coldItemThreshold: number;
  }) => (userIdx: number, itemIdx: number, out: Float64Array) => void;
  /**
   * Ranking features the blends may not use (names of {@link HybridModel.rankFeatures}; their weights stay 0, the
   * candidate pool is unchanged). Default none.
   */
  rankFeaturesOff?: readonly string[];
  /**
   * Ranking features the cold blend (users with 1 … `coldUserThreshold` ratings) may not use, chosen on its own
   * (cold validation). Default: `rankFeaturesOff`. The warm and anonymous blends keep `rankFeaturesOff`.
   */
  coldRankFeaturesOff?: readonly string[];
  /** false: the rating blend leaves the content prediction out (the ranking blend keeps it). Default true. */
  ratingContent?: boolean;
  /** Which blends to learn. Default both. */
  tasks?: readonly ('rating' | 'ranking')[];
  /** Progress lines (to stderr in the CLI). */
  log?: (msg: string) => void;
}

/** A fitted base. */
export interface FittedBase {
  name: string;
  group: Source;
  recommender: Recommender<unknown, unknown>;
  model: unknown;
}

/** Learned weights of one linear ranker. */
export interface RankWeights {
  /** Length nFeatures (see {@link HybridModel.rankFeatures}). */
  w: Float32Array;
  /** Validation NDCG@10, Recall@20 and coverage@10 reached during training. */
  validationNdcg: number;
  validationRecall20?: number;
  validationCoverage?: number;
  validationUsers: number;
}

export interface HybridModel {
  readonly rankingBases: readonly FittedBase[];
  readonly ratingBases: readonly FittedBase[];
  readonly content: ContentTfidfModel | null;
  /** Ratings per item in train. Length nItems. */
  readonly itemCount: Int32Array;
  /** Ratings per user in train. Length nUsers. */
  readonly userCount: Int32Array;
  /** Globally standardised log(1 + itemCount). Length nItems. */
  readonly popZ: Float32Array;
  /** Rating-time context of the train (null without timestamps). */
  readonly time: TimeContext | null;
  /**
   * Standardised log(1 + how many train users' first-stage top-10 hold the item): lets the blend
   * push down items recommended to everyone (coverage). Length nItems; null when not learned.
   */
  readonly exposureZ: Float32Array | null;
  /**
   * Names of the ranking features: one per ranking base, then 'content', 'pop', 'coldItem',
   * 'coldItem×content', 'popBefore', 'popAfter', 'exposure', 'recent' (EASE over the last ratings).
   */
  readonly rankFeatures: readonly string[];
  /** Feature → source group. */
  readonly rankFeatureGroup: readonly Source[];
  readonly warm: RankWeights | null;
  readonly cold: RankWeights | null;
  /** Blend of the non-personal features only, for users without ratings (trained on the cold validation users). */
  readonly anon: RankWeights | null;
  /** Rating blend: names and weights (first is the intercept). */
  readonly ratingFeatures: readonly string[];
  readonly ratingWeights: Float32Array | null;
  /** RMSE of the rating blend on its validation rows (null when not learned). */
  readonly ratingValidationRmse: number | null;
  /**
   * Fewest ratings of a user among the rows the rating blend learned on: the support terms 1/√(1+n) of a user with
   * fewer are computed at this n (the blend is not extrapolated beyond what it saw). Absent in older models.
   */
  readonly ratingSupportMinUser?: number;
  readonly coldUserThreshold: number;
  readonly coldItemThreshold: number;
  readonly scale: readonly [number, number];
  readonly globalMean: number;
}

/** A training phase of {@link fitHybridSteps}: its name and the share of the work done before it. */
export interface HybridPhase {
  phase: string;
  progress: number;
}

/**
 * β of the ranking objective when none is given: the value the served model has always used (the params schema's
 * default, hybrid/params.ts). A fit called without params used 0.5 until #20; one value now serves both.
 */
export const DEFAULT_RECALL_WEIGHT = 1;

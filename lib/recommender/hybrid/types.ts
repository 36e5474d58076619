/**
 * The learned hybrid's plain-data types: its configuration, the fitted bases and the learned blends. Shapes are
 * in each field's TSDoc (weights in feature order of `rankFeatures` / `ratingFeatures`).
 */
import { ContentTfidfConfigSchema, type ContentTfidfModel } from '../algorithms/content-tfidf';
import type { RatingMatrix, Recommender } from '../core/types';
import type { TimeContext } from './features';
import { z } from 'zod';

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

/**
 * The hybrid fit's config with every default (zod: {@link HybridConfigSchema}); {@link fitHybrid} receives the parsed
 * (output) type, so no knob is defaulted twice. Build one by hand with `HybridConfigSchema.parse({...})` (tests) or
 * from the registry params with `hybridConfigFrom` (hybrid/params.ts: the eval CLI and the served model, whose own
 * defaults set every shared knob explicitly — see {@link HybridConfigSchema} for where the two differ).
 */
export type HybridConfig = z.output<typeof HybridConfigSchema>;
/** What a caller writes before parsing: every field with a default may be left out. */
export type HybridConfigInput = z.input<typeof HybridConfigSchema>;

/**
 * β of the ranking objective when none is given: the value the served model has always used (the params schema's
 * default, hybrid/params.ts). A fit called without params used 0.5 until #20; one value now serves both.
 */
export const DEFAULT_RECALL_WEIGHT = 1;

const custom = <T>() => z.custom<T>(() => true);
const noop = (): void => {};

/**
 * The engine config of a hybrid fit. The defaults are what a fit called without them has always used. The registry's
 * {@link HybridParamsSchema} (hybrid/params.ts) sets each shared knob explicitly through `hybridConfigFrom`, with its
 * own, served defaults where they differ: coverageWeight 0.1 (here 0), minColdBlendUsers 30 (here 0),
 * maxValidationUsers 600 / maxRatingRows 20,000 / maxRatingUsers 2,000 (here all), rankFeaturesOff and
 * coldRankFeaturesOff chosen by backward elimination (here none). The served model and the eval CLI get the
 * registry's values; these apply to direct fits (tests, experiments).
 */
export const HybridConfigSchema = z
  .object({
    seed: z.number().int().default(42),
    /** Base models of the ranking blend (scored with `scoreItems`). */
    rankingBases: custom<readonly HybridBase[]>().default(() => []),
    /** Base models of the rating blend (queried with `predict`). */
    ratingBases: custom<readonly HybridBase[]>().default(() => []),
    /** Item content; when present the content model joins both blends (its own defaults: content-tfidf.ts). */
    content: ContentTfidfConfigSchema.optional(),
    /**
     * Unix timestamps aligned with `data.byUser.values` (same order). Enables the per-user temporal
     * validation holdout (the ranking protocol's shape); without them the holdout is random.
     */
    timestamps: custom<Float64Array>().optional(),
    /**
     * Alternative to `timestamps`: the raw train rows with their times (e.g. the eval CLI's train
     * file), aligned to the matrix at fit. Only rows present in `data` are used.
     */
    timeRows: custom<{ userIds: Int32Array; movieIds: Int32Array; timestamps?: Float64Array }>().optional(),
    /** Share of each user's train ratings held out for validation. */
    validationShare: z.number().gt(0).lt(1).default(0.2),
    /** Users with at most this many ratings use the cold blend. */
    coldUserThreshold: z.number().int().min(0).default(5),
    /** Items with at most this many ratings are "cold" (feature). */
    coldItemThreshold: z.number().int().min(0).default(5),
    /**
     * The cold and anonymous blends are learned only from at least this many (simulated) cold validation users;
     * with fewer, too little data to learn a blend, cold users get the warm blend. Default 0 (always learn).
     */
    minColdBlendUsers: z.number().int().min(0).default(0),
    /** At most this many warm (and cold) validation users train the ranking blend, and score the exposure pass. Default all. */
    maxValidationUsers: z.number().min(1).default(Infinity),
    /** At most this many held-out rows (seeded sample) train the rating blend. Default all. */
    maxRatingRows: z.number().min(1).default(Infinity),
    /**
     * false: rating bases not shared with the ranking blend keep their fit on the rating validation split instead of
     * a refit on all ratings (training time; serving folds users in anyway).
     */
    refitRatingBases: z.boolean().default(true),
    /** The rating blend's rows come from at most this many held-out users (seeded sample). Default all. */
    maxRatingUsers: z.number().min(1).default(Infinity),
    /** Every n-th validation user is truncated to its first `coldUserThreshold` ratings to train the cold blend. */
    coldSimulationEvery: z.number().int().min(0).default(5),
    /** Top-N of each base feeding the validation candidate pool. */
    poolPerBase: z.number().int().min(1).default(100),
    /** Relevance threshold of validation items (PROTOCOL.md: ≥ 4). */
    relevantRating: z.number().default(4),
    /**
     * Ridge λ of the rating blend. Absent: chosen with the feature set (with or without the support terms) by
     * 5-fold cross-validation, grouped by user, on the held-out validation rows, from {@link RIDGE_LAMBDA_GRID}.
     */
    ridgeLambda: z.number().min(0).optional(),
    /** Offer the support terms (feature-weighted stacking on 1/√(1+n) of user and item) to the validation CV. */
    ratingSupportTerms: z.boolean().default(true),
    /** Weight β of Recall@20 in the ranking objective NDCG@10 + β·Recall@20 + γ·coverage@10 (validation). */
    recallWeight: z.number().min(0).default(DEFAULT_RECALL_WEIGHT),
    /** Weight γ of coverage@10 in the ranking objective. */
    coverageWeight: z.number().min(0).default(0),
    /**
     * Larger γ values tried after `coverageWeight` (warm blend, warm-started): the largest whose validation accuracy
     * (per-user NDCG@10 + β·Recall@20) is within one standard error of the paired difference from the `coverageWeight`
     * blend's is kept (one-standard-error rule, chosen on validation). Default none.
     */
    coverageWeightPath: z
      .array(z.number().min(0))
      .readonly()
      .default(() => []),
    /**
     * Minimum coverage@10 of the warm blend on the validation users (a hinge penalty in the
     * objective; the product asks for ≥ 0.10). Default 0 (off).
     */
    coverageTarget: z.number().min(0).max(1).default(0),
    /**
     * Feature rows of the rating blend as the caller serves them (e.g. with live fold-in), built from the validation
     * fits; absent: the bases' own predictions. Rows must follow {@link HybridModel.ratingFeatures}.
     */
    servedRatingRow:
      custom<
        (ctx: {
          bases: readonly FittedBase[];
          content: ContentTfidfModel | null;
          fit: RatingMatrix;
          names: readonly string[];
          coldUserThreshold: number;
          coldItemThreshold: number;
        }) => (userIdx: number, itemIdx: number, out: Float64Array) => void
      >().optional(),
    /**
     * Ranking features the blends may not use (names of {@link HybridModel.rankFeatures}; their weights stay 0, the
     * candidate pool is unchanged). Default none.
     */
    rankFeaturesOff: z
      .array(z.string())
      .readonly()
      .default(() => []),
    /**
     * Ranking features the cold blend (users with 1 … `coldUserThreshold` ratings) may not use, chosen on its own
     * (cold validation). Default: `rankFeaturesOff`. The warm and anonymous blends keep `rankFeaturesOff`.
     */
    coldRankFeaturesOff: z.array(z.string()).readonly().optional(),
    /** false: the rating blend leaves the content prediction out (the ranking blend keeps it). */
    ratingContent: z.boolean().default(true),
    /** Which blends to learn. Default both. */
    tasks: z
      .array(z.enum(['rating', 'ranking']))
      .readonly()
      .default(() => ['rating', 'ranking'] as const),
    /** Progress lines (to stderr in the CLI). */
    log: custom<(msg: string) => void>().default(() => noop),
  })
  .transform((c) => ({ ...c, coldRankFeaturesOff: c.coldRankFeaturesOff ?? c.rankFeaturesOff }));

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

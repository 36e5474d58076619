/**
 * Registry glue for the content model and the hybrid: JSON-able parameter schemas (for --params
 * and --help) plus the run context the caller attaches (content documents, train timestamps,
 * task), turned into the engine configs. Kept out of registry.ts so that module stays a flat list.
 */
import { z } from 'zod';
import { biasedMfRecommender } from '../algorithms/biased-mf';
import { biasesRecommender } from '../algorithms/biases';
import {
  contentTfidfRecommender,
  ContentTfidfConfigSchema,
  fitContentTfidf,
  type ContentDoc,
  type ContentTfidfModel,
} from '../algorithms/content-tfidf';
import { easeRecommender } from '../algorithms/ease';
import { RANK_EXTRA_FEATURES } from './features';
import { fitHybrid, hybridRecommender } from './fit';
import {
  DEFAULT_RECALL_WEIGHT,
  HybridConfigSchema,
  type HybridBase,
  type HybridConfig,
  type HybridModel,
} from './types';
import { DEFAULT_CONTENT_FIELD_WEIGHTS, buildContentDocs, type ContentSource } from '../algorithms/content-docs';
import { implicitAlsRecommender } from '../algorithms/implicit-als';
import { itemKnnRecommender } from '../algorithms/item-knn';
import { popularityRecommender } from '../algorithms/popularity';
import { rp3betaRecommender } from '../algorithms/rp3beta';
import { svdppRecommender } from '../algorithms/svdpp';
import type { Recommender } from '../core/types';
import { userKnnRecommender } from '../algorithms/user-knn';
import { liveUserKnnRecommender } from '../algorithms/user-knn-live';

/** What a caller (eval CLI, model job) attaches to the parsed params before fitting. */
export interface RunContext {
  /** Item content; without it the content features are absent (all zero). */
  contentDocs?: readonly ContentDoc[];
  /** Train rows with timestamps (temporal validation split and time features). */
  timeRows?: { userIds: Int32Array; movieIds: Int32Array; timestamps?: Float64Array };
  /** Learn only the blend(s) this run needs (default both). */
  tasks?: readonly ('rating' | 'ranking')[];
  /** Progress lines. */
  log?: (msg: string) => void;
}

/** Base models the hybrid can use, by registry name. Configs are partial: each fit fills its defaults. */
const BASES: Record<string, { recommender: Recommender<unknown, unknown>; group?: HybridBase['group'] }> = {
  ease: { recommender: easeRecommender as Recommender<unknown, unknown> },
  'implicit-als': { recommender: implicitAlsRecommender as Recommender<unknown, unknown> },
  'item-knn': { recommender: itemKnnRecommender as Recommender<unknown, unknown> },
  rp3beta: { recommender: rp3betaRecommender as Recommender<unknown, unknown> },
  'user-knn': { recommender: userKnnRecommender as Recommender<unknown, unknown> },
  'user-knn-live': { recommender: liveUserKnnRecommender as Recommender<unknown, unknown> },
  'biased-mf': { recommender: biasedMfRecommender as Recommender<unknown, unknown> },
  svdpp: { recommender: svdppRecommender as Recommender<unknown, unknown> },
  biases: { recommender: biasesRecommender as Recommender<unknown, unknown> },
  popularity: { recommender: popularityRecommender as Recommender<unknown, unknown>, group: 'popular' },
};

const seed = z.number().int().default(42).describe('random seed (same seed → same model)');
const fieldWeights = z
  .record(z.string(), z.number().min(0))
  .default({ ...DEFAULT_CONTENT_FIELD_WEIGHTS })
  .describe(
    'content field weights α_f (g genres, c cast, d directors, k keywords, t tags, y decade, l language, o overview)',
  );

export const ContentParamsSchema = z.object({
  fieldWeights,
  minDf: z.number().int().min(1).default(2).describe('features in fewer documents are dropped'),
  meanShrinkage: z.number().min(0).default(2).describe('β of the shrunk user mean the profile ratings are centred on'),
  seed,
});
export type ContentParams = z.infer<typeof ContentParamsSchema>;

const baseList = (defaults: string[], what: string) =>
  z
    .array(z.enum(Object.keys(BASES) as [string, ...string[]]))
    .default(defaults)
    .describe(what);

export const HybridParamsSchema = z.object({
  rankingBases: baseList(['ease', 'item-knn', 'implicit-als', 'popularity'], 'base models of the ranking blend'),
  ratingBases: baseList(
    ['biases', 'item-knn', 'biased-mf', 'user-knn-live'],
    'base models of the rating blend (served: biases, item-kNN, biased MF and live user-kNN are computed from the current ratings)',
  ),
  baseParams: z
    .record(z.string(), z.record(z.string(), z.unknown()))
    .default({})
    .describe(
      'per-base parameter overrides, e.g. {"ease":{"lambda":300}} (hybrid defaults: {"ease":{"maxItems":2000},"implicit-als":{"threads":2}})',
    ),
  fieldWeights,
  validationShare: z
    .number()
    .gt(0)
    .lt(1)
    .default(0.2)
    .describe('share of each user’s train ratings held out to learn the blends'),
  coldUserThreshold: z.number().int().min(0).default(5).describe('users with ≤ this many ratings use the cold blend'),
  coldItemThreshold: z.number().int().min(0).default(5).describe('items with ≤ this many ratings are cold (feature)'),
  minColdBlendUsers: z
    .number()
    .int()
    .min(0)
    .default(30)
    .describe('fewer simulated cold validation users → cold users get the warm blend'),
  maxValidationUsers: z
    .number()
    .int()
    .min(1)
    .default(600)
    .describe('validation users (warm, and cold) sampled to train the ranking blend; bounds training time'),
  maxRatingRows: z
    .number()
    .int()
    .min(1)
    .default(20_000)
    .describe('held-out rows sampled to train the rating blend; bounds training time'),
  maxRatingUsers: z
    .number()
    .int()
    .min(1)
    .default(2000)
    .describe('held-out users sampled for the rating blend’s rows; bounds training time'),
  refitRatingBases: z
    .boolean()
    .default(true)
    .describe(
      'refit rating-only bases on all ratings (false: keep their validation fit; users are folded in when served)',
    ),
  poolPerBase: z.number().int().min(10).default(100).describe('top-N of each base in the validation candidate pool'),
  recallWeight: z
    .number()
    .min(0)
    .default(DEFAULT_RECALL_WEIGHT)
    .describe('β in the ranker objective NDCG@10 + β·Recall@20 + γ·coverage@10'),
  coverageWeight: z
    .number()
    .min(0)
    .default(0.1)
    .describe('γ in the ranker objective (start of the γ path; chosen on validation, docs/benchmarks/hybrid.md)'),
  coverageWeightPath: z
    .array(z.number().min(0))
    .default([])
    .describe(
      'larger γ tried on validation; the largest within one standard error of the γ blend’s accuracy is kept (default none: replaced by coverageFloor, docs/benchmarks/hybrid.md third round)',
    ),
  rankFeaturesOff: z
    .array(z.enum([...Object.keys(BASES), ...RANK_EXTRA_FEATURES] as [string, ...string[]]))
    .default(['exposure', 'implicit-als'])
    .describe(
      'ranking features the blends may not use (weights fixed at 0): base names, content, pop, coldItem, coldItem×content, popBefore, popAfter, exposure, recent (default: chosen by backward elimination on validation)',
    ),
  coldRankFeaturesOff: z
    .array(z.enum([...Object.keys(BASES), ...RANK_EXTRA_FEATURES] as [string, ...string[]]))
    .default(['coldItem×content', 'content', 'implicit-als', 'popAfter', 'popBefore'])
    .describe(
      'ranking features the cold blend (1 … coldUserThreshold ratings) may not use (default: chosen by backward elimination on the cold validation slice)',
    ),
  ratingContent: z.boolean().default(true).describe('the rating blend uses the content prediction'),
  coverageTarget: z
    .number()
    .min(0)
    .max(1)
    .default(0)
    .describe('minimum validation coverage@10 of the warm blend (hinge penalty)'),
  coverageFloor: z
    .number()
    .min(0)
    .max(1)
    .default(0.105)
    .describe(
      'served model: minimum coverage@10 of the warm users’ own top-10 lists, reached by lowering the warm weight of coverageFloorFeature (0 = off; lib/recommender/serving/coverage-floor.ts)',
    ),
  coverageFloorFeature: z
    .enum(['exposure', 'pop'])
    .default('exposure')
    .describe(
      'the per-item column whose warm weight the coverage floor lowers (exposure: chosen on validation, a tie)',
    ),
  coverageFloorFallback: z
    .array(z.enum(['exposure', 'pop']))
    .default(['pop'])
    .describe(
      'columns whose warm weight the floor lowers next, in order, while coverageFloorFeature alone cannot reach it (each step starts from the last)',
    ),
  coverageFloorMode: z
    .enum(['penalty', 'slots', 'slots+penalty'])
    .default('slots+penalty')
    .describe(
      'how the coverage floor is met: lowering a warm weight (penalty) or discovery slots (the last ≤ 5 places of a warm user’s top 10 from their long-tail picks of ranks 11–20; the penalty when the slots cannot reach it), or slots+penalty (slots as far as they go at each δ of the penalty grid, the smallest δ at which the two reach it; chosen on validation, tenth round of docs/benchmarks/hybrid.md; the penalty chain when even that cannot)',
    ),
  coverageFloorUsers: z
    .number()
    .int()
    .min(1)
    .default(1000)
    .describe('warm users (a seeded sample beyond this) whose lists calibrate the coverage floor'),
  ridgeLambda: z
    .number()
    .min(0)
    .optional()
    .describe('ridge λ of the rating blend (default: chosen by 5-fold CV on the validation rows)'),
  ratingSupportTerms: z
    .boolean()
    .default(true)
    .describe(
      'offer support-weighted terms (1/√(1+n) of user and item × each base) to the rating blend’s validation CV',
    ),
  easeNeighbours: z
    .number()
    .int()
    .min(1)
    .default(500)
    .describe('served model: entries kept per row of EASE’s B (largest |B_ji|)'),
  knnNeighbours: z
    .number()
    .int()
    .min(1)
    .default(100)
    .describe('served model: item-kNN neighbours kept per item (rating prediction, more like this)'),
  contentNeighbours: z
    .number()
    .int()
    .min(1)
    .default(30)
    .describe('served model: content neighbours kept per item (more like this)'),
  seed,
});
export type HybridParams = z.infer<typeof HybridParamsSchema>;

/**
 * Base settings of the hybrid that differ from the single models' defaults (`baseParams` overrides them): EASE's
 * dense solve bounded to the 2,000 items with most positives, so the nightly job fits at ML-1M shape within its
 * 60 s budget (the n³ solve grows fast past that: docs/benchmarks/hybrid.md), and
 * implicit ALS on two worker threads (same factors for any thread count).
 */
export const HYBRID_BASE_DEFAULTS: Readonly<Record<string, Record<string, unknown>>> = {
  ease: { maxItems: 2000 },
  'implicit-als': { threads: 2 },
};

/** Engine config of the hybrid from params and run context (every shared knob set from the params). */
export function hybridConfigFrom(params: HybridParams, ctx: RunContext = {}): HybridConfig {
  const base = (name: string): HybridBase => {
    const b = BASES[name];
    if (!b) throw new Error(`unknown hybrid base "${name}"`);
    return {
      name,
      recommender: b.recommender,
      config: { seed: params.seed, ...(HYBRID_BASE_DEFAULTS[name] ?? {}), ...(params.baseParams[name] ?? {}) },
      group: b.group,
    };
  };
  return HybridConfigSchema.parse({
    seed: params.seed,
    rankingBases: params.rankingBases.map(base),
    ratingBases: params.ratingBases.map(base),
    content:
      ctx.contentDocs && ctx.contentDocs.length > 0
        ? { docs: ctx.contentDocs, fieldWeights: params.fieldWeights }
        : undefined,
    timeRows: ctx.timeRows,
    validationShare: params.validationShare,
    coldUserThreshold: params.coldUserThreshold,
    coldItemThreshold: params.coldItemThreshold,
    minColdBlendUsers: params.minColdBlendUsers,
    maxValidationUsers: params.maxValidationUsers,
    maxRatingRows: params.maxRatingRows,
    maxRatingUsers: params.maxRatingUsers,
    refitRatingBases: params.refitRatingBases,
    poolPerBase: params.poolPerBase,
    recallWeight: params.recallWeight,
    coverageWeight: params.coverageWeight,
    coverageTarget: params.coverageTarget,
    rankFeaturesOff: params.rankFeaturesOff,
    coldRankFeaturesOff: params.coldRankFeaturesOff,
    ratingContent: params.ratingContent,
    coverageWeightPath: params.coverageWeightPath,
    ridgeLambda: params.ridgeLambda,
    ratingSupportTerms: params.ratingSupportTerms,
    tasks: ctx.tasks,
    log: ctx.log,
  });
}

/** The hybrid as a registry entry: params (+ attached {@link RunContext}) → fitted hybrid. */
export const hybridEntryRecommender: Recommender<HybridParams & RunContext, HybridModel> = {
  ...hybridRecommender,
  fit: (data, config) => fitHybrid(data, hybridConfigFrom(HybridParamsSchema.parse(stripContext(config)), config)),
};

/** The content model as a registry entry. */
export const contentEntryRecommender: Recommender<ContentParams & RunContext, ContentTfidfModel> = {
  ...contentTfidfRecommender,
  fit(data, config) {
    const p = ContentParamsSchema.parse(stripContext(config));
    const cfg = ContentTfidfConfigSchema.parse({
      docs: config.contentDocs,
      fieldWeights: p.fieldWeights,
      minDf: p.minDf,
      meanShrinkage: p.meanShrinkage,
    });
    return fitContentTfidf(data, cfg);
  },
};

function stripContext<T extends RunContext>(config: T): Omit<T, keyof RunContext> {
  const { contentDocs: _d, timeRows: _t, tasks: _k, log: _l, ...rest } = config;
  return rest;
}

/** Algorithms that need a {@link RunContext} attached by the caller. */
export const CONTEXT_ALGOS: ReadonlySet<string> = new Set(['hybrid', 'hybrid-full', 'content']);

/** An ml-100k u.item row (structural subset of io's Ml100kItem). */
export interface Ml100kContentSource {
  movieId: number;
  title: string;
  year: number | null;
  genres: readonly string[];
}

/** Content documents for ml-100k, which has only titles, years and genres: g, y and title words as 'o'. */
export function ml100kContentDocs(items: readonly Ml100kContentSource[]): ContentDoc[] {
  const docs = buildContentDocs(
    items.map((m): ContentSource => ({
      movieId: m.movieId,
      year: m.year,
      genres: m.genres.filter((g) => g !== 'unknown'),
    })),
  );
  return docs.map((d, k) => ({ itemId: d.itemId, fields: { ...d.fields, o: items[k].title } }));
}

/**
 * # eval/ — the offline protocol
 *
 * Holds: evaluation as ../shared/bench/PROTOCOL.md describes it (evaluate.ts), the metrics (metrics.ts), synthetic
 * data (synth.ts) and the algorithm registry (this file), used by the eval CLI (scripts/eval/), the model job and the
 * contract suite.
 * May import: every other wing except io and testing (the CLI reads files through io itself).
 * Invariants: no I/O (callers pass arrays in); each registered algorithm's defaults are its zod schema's
 * (`configSchema.parse({})`); a fit never sees the test rows; same seed, same metrics.
 */
/**
 * Every algorithm the eval CLI, the model job and the contract suite can run, by name.
 * Adding a model is one import plus one `entry(...)` line in {@link REGISTRY}.
 */
import { z } from 'zod';
import {
  BiasedMfConfig,
  biasedMfRecommender,
  biasesRecommender,
  EaseConfig,
  easeRecommender,
  globalMeanRecommender,
  ImplicitAlsConfig,
  implicitAlsRecommender,
  itemKnnRecommender,
  popularityRecommender,
  rp3betaRecommender,
  SvdppConfig,
  svdppRecommender,
  userKnnRecommender,
} from '../algorithms';
import {
  ContentParamsSchema,
  contentEntryRecommender,
  HybridParamsSchema,
  hybridEntryRecommender,
} from '../hybrid/params';
import type { Recommender } from '../core/types';
import { servedHybridRecommender } from '../serving/recommender';

/** One registered algorithm. `configSchema.parse({})` must give the defaults. */
export interface RegistryEntry<C = unknown, M = unknown> {
  recommender: Recommender<C, M>;
  configSchema: z.ZodType<C>;
  defaultConfig: C;
  description: string;
}

/** Builds an entry whose defaults come from the schema. */
export function entry<C, M>(
  recommender: Recommender<C, M>,
  configSchema: z.ZodType<C>,
  description: string,
): RegistryEntry<C, M> {
  return { recommender, configSchema, defaultConfig: configSchema.parse({}), description };
}

const seed = z.number().int().default(42).describe('random seed (same seed → same model)');

export const GlobalMeanConfigSchema = z.object({ seed });

export const BiasesConfigSchema = z.object({
  regItem: z.number().min(0).default(10).describe('item-bias regularisation λ (Surprise reg_i)'),
  regUser: z.number().min(0).default(15).describe('user-bias regularisation λ (Surprise reg_u)'),
  epochs: z.number().int().min(0).default(10).describe('alternating least-squares sweeps'),
  seed,
});

export const PopularityConfigSchema = z.object({
  mode: z
    .enum(['bayes', 'count'])
    .default('count')
    .describe("ranking score: 'count' of ratings or 'bayes' = (C·m + Σr)/(C + n)"),
  priorCount: z.number().min(0).default(10).describe('prior count C of the Bayesian average'),
  minRating: z.number().min(0).default(0).describe("only ratings ≥ this are counted in 'count' mode"),
  seed,
});

const knnFields = {
  k: z.number().int().min(1).default(40).describe('neighbours per prediction'),
  minK: z.number().int().min(1).default(1).describe('fewer usable neighbours → baseline only'),
  metric: z
    .enum(['cosine', 'adjusted_cosine', 'pearson', 'pearson_baseline'])
    .default('pearson_baseline')
    .describe('similarity measure'),
  shrinkage: z.number().min(0).default(100).describe('similarity shrinkage n/(n + shrinkage), 0 = off'),
  minSupport: z.number().int().min(1).default(1).describe('minimum common ratings for a similarity'),
  maxNeighbors: z.number().int().min(0).default(0).describe('neighbours stored per entity (0 = all positive)'),
  regItem: z.number().min(0).default(10).describe('baseline item-bias regularisation'),
  regUser: z.number().min(0).default(15).describe('baseline user-bias regularisation'),
  baselineEpochs: z.number().int().min(0).default(10).describe('baseline ALS sweeps'),
  rankScore: z
    .enum(['sum', 'prediction'])
    .default('sum')
    .describe("ranking score: 'sum' of neighbour similarities or the rating 'prediction'"),
  overlap: z
    .enum(['common', 'full'])
    .default('common')
    .describe("cosine norms over the 'common' support (Surprise) or 'full' rows (top-N kNN)"),
  binarize: z.number().min(0).default(0).describe('> 0: similarities on binary interactions (rating ≥ binarize)'),
  seed,
};
export const ItemKnnConfigSchema = z.object(knnFields);

export const Rp3betaConfigSchema = z.object({
  alpha: z
    .number()
    .min(0)
    .default(0.5)
    .describe('exponent α on each transition probability of the item → user → item walk'),
  beta: z.number().min(0).default(0.5).describe('popularity penalty: weight into item i divided by deg(i)^β'),
  k: z.number().int().min(1).default(400).describe('targets kept per source item'),
  threshold: z.number().min(0).default(3.5).describe('ratings ≥ this are interactions (0 = every rating)'),
  seed,
});
export const UserKnnConfigSchema = z.object(knnFields);

export const REGISTRY: Record<string, RegistryEntry<any, any>> = {
  'global-mean': entry(globalMeanRecommender, GlobalMeanConfigSchema, 'Global mean rating μ (sanity floor).'),
  biases: entry(
    biasesRecommender,
    BiasesConfigSchema,
    'μ + b_u + b_i, regularised, fitted by ALS (Surprise BaselineOnly).',
  ),
  popularity: entry(
    popularityRecommender,
    PopularityConfigSchema,
    'Non-personalised popularity: rating count or Bayesian average.',
  ),
  'item-knn': entry(
    itemKnnRecommender,
    ItemKnnConfigSchema,
    'Item-based kNN with baseline (Koren 2010; Surprise KNNBaseline).',
  ),
  'user-knn': entry(
    userKnnRecommender,
    UserKnnConfigSchema,
    'User-based kNN with baseline (Koren 2010; Surprise KNNBaseline).',
  ),
  'biased-mf': entry(
    biasedMfRecommender,
    BiasedMfConfig,
    'Biased matrix factorisation by SGD (Funk/Koren; Surprise SVD).',
  ),
  svdpp: entry(svdppRecommender, SvdppConfig, 'SVD++ with the implicit feedback term (Koren 2008; Surprise SVDpp).'),
  'implicit-als': entry(
    implicitAlsRecommender,
    ImplicitAlsConfig,
    'Implicit-feedback ALS with CG (Hu et al. 2008; implicit ALS); ranking only.',
  ),
  rp3beta: entry(
    rp3betaRecommender,
    Rp3betaConfigSchema,
    'RP3beta random walk item → user → item with popularity penalty (Paudel et al. 2017); ranking only.',
  ),
  ease: entry(easeRecommender, EaseConfig, 'EASE item–item closed form (Steck 2019); ranking only.'),
  content: entry(
    contentEntryRecommender,
    ContentParamsSchema,
    'Content-based TF-IDF over genres, cast, directors, keywords, tags, decade, language, overview (needs catalogue content).',
  ),
  hybrid: entry(
    servedHybridRecommender,
    HybridParamsSchema,
    'The served learned hybrid: stacked EASE, item-kNN, implicit ALS, popularity, content and time features, blends learned on a validation split of train, cold-start blends, scored from the serving tables with live fold-in (what the app serves).',
  ),
  'hybrid-full': entry(
    hybridEntryRecommender,
    HybridParamsSchema,
    'The same learned hybrid scored from its in-memory fits (dense EASE, full kNN similarities, fitted ALS user vectors): measures what serving approximations cost.',
  ),
};

/** The algorithm `npm run eval` uses without --algo: the best model available (the served one). */
export const DEFAULT_ALGO = 'hybrid';

/** Looks an algorithm up and validates `params` against its schema (unknown keys are errors). */
export function resolveAlgorithm(
  name: string,
  params: unknown = {},
): { entry: RegistryEntry<any, any>; config: unknown } {
  const e = REGISTRY[name];
  if (!e) throw new Error(`unknown algorithm "${name}"; known: ${Object.keys(REGISTRY).join(', ')}`);
  const schema = e.configSchema;
  const strict = schema instanceof z.ZodObject ? schema.strict() : schema;
  const parsed = strict.safeParse(params ?? {});
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(params)'}: ${i.message}`);
    throw new Error(`invalid --params for ${name}:\n${lines.join('\n')}`);
  }
  return { entry: e, config: parsed.data };
}

/** One line per parameter: name, type, default and description (for --help). */
export function describeParams(e: RegistryEntry<any, any>): string[] {
  const schema = e.configSchema;
  if (!(schema instanceof z.ZodObject)) return ['(no parameters)'];
  const defaults = e.defaultConfig as Record<string, unknown>;
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([key, field]) => {
    const type = typeName(field);
    const def = defaults[key] === undefined ? '' : ` = ${JSON.stringify(defaults[key])}`;
    const desc = field.description ?? innerDescription(field);
    return `${key}: ${type}${def}${desc ? `  — ${desc}` : ''}`;
  });
}

function unwrap(field: z.ZodType): z.ZodType {
  let f: z.ZodType = field;
  for (let guard = 0; guard < 8; guard++) {
    if (f instanceof z.ZodDefault || f instanceof z.ZodOptional || f instanceof z.ZodNullable)
      f = f.unwrap() as z.ZodType;
    else break;
  }
  return f;
}

function innerDescription(field: z.ZodType): string | undefined {
  return unwrap(field).description;
}

function typeName(field: z.ZodType): string {
  const f = unwrap(field);
  if (f instanceof z.ZodEnum) return (f.options as string[]).map((o) => `'${o}'`).join('|');
  if (f instanceof z.ZodNumber) return f.format === 'safeint' || f.isInt ? 'int' : 'number';
  if (f instanceof z.ZodBoolean) return 'boolean';
  if (f instanceof z.ZodString) return 'string';
  return f.def?.type ?? 'value';
}

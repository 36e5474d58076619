/**
 * Nightly training orchestration: fit the hybrid (hybrid/), build the serving tables, calibrate the served order,
 * report progress by phase. trainServingModel yields to the event loop between phases; the sync variant serves the
 * eval CLI and tests.
 */
import { BiasedMfConfig } from '../algorithms/biased-mf';
import type { ContentDoc } from '../algorithms/content-tfidf';
import { implicitAlsRecommender } from '../algorithms/implicit-als';
import type { RatingMatrix } from '../core/types';
import { alignTimestamps, counts } from '../hybrid/features';
import { fitHybridSteps } from '../hybrid/fit';
import { type HybridBase, type HybridModel, type HybridPhase } from '../hybrid/types';
import { hybridConfigFrom } from '../hybrid/params';
import { alignExternal, servingFromHybrid, ServingTablesConfigSchema } from './build';
import { userRow } from './fold-in';
import { DEFAULT_SERVING, type ServingConfig, type ServingModel } from './model';
import { ratingContext, type RatingContext, ratingRow } from './predict';
import {
  applyCoverageFloor,
  applyDiscoverySlots,
  applySlotsThenPenalty,
  type CalibrationLists,
  type CoverageFloorResult,
  DISCOVERY_MAX_SLOTS,
} from './slots';

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

/** The hybrid's engine config for a serving run; external ALS factors replace the implicit-ALS fit. */
function hybridConfigForServing(data: RatingMatrix, docs: readonly ContentDoc[] | null, cfg: ServingConfig) {
  const hc = hybridConfigFrom(cfg.params, {
    contentDocs: docs ?? undefined,
    timeRows: cfg.timeRows,
    tasks: cfg.tasks,
    log: cfg.log,
  });
  const mfCfg = BiasedMfConfig.parse({ ...(cfg.params.baseParams['biased-mf'] ?? {}) });
  const tableCfg = {
    ...cfg.params,
    ...ServingTablesConfigSchema.parse({ mfReg: mfCfg.reg, mfRegBias: mfCfg.regBias }),
  };
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
      b.name === 'implicit-als'
        ? {
            ...b,
            recommender: {
              ...implicitAlsRecommender,
              fit: (d: RatingMatrix) => alignExternal(d, ext),
            } as HybridBase['recommender'],
          }
        : b;
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
export function trainServingModelSync(
  data: RatingMatrix,
  docs: readonly ContentDoc[] | null,
  config: Partial<ServingConfig> = {},
): ServingTrainResult {
  const steps = trainingSteps(data, docs, config);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

function* trainingSteps(
  data: RatingMatrix,
  docs: readonly ContentDoc[] | null,
  config: Partial<ServingConfig>,
): Generator<HybridPhase, ServingTrainResult> {
  const cfg: ServingConfig = { ...DEFAULT_SERVING, ...config };
  const timings: Record<string, number> = {};
  const t0 = performance.now();
  let tPhase = t0;
  let current = 'carving validation';
  // Rating times aligned to `data` once: the hybrid's temporal split and time features, then the coverage floor.
  const tr = cfg.timeRows;
  const times = tr?.timestamps ? alignTimestamps(data, tr.userIds, tr.movieIds, tr.timestamps) : null;
  const hybridSteps = fitHybridSteps(data, {
    ...hybridConfigForServing(data, docs, cfg),
    ...(times ? { timestamps: times } : {}),
  });
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
  const model = servingFromHybrid(h, data, {
    ...cfg.params,
    ...ServingTablesConfigSchema.parse({ mfReg: mfCfg.reg, mfRegBias: mfCfg.regBias }),
  });
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
    const slotOpts = {
      floor: p.coverageFloor,
      feature: p.coverageFloorFeature,
      maxUsers: p.coverageFloorUsers,
      seed: p.seed,
      candidates,
    };
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
    for (const feature of slots?.reached
      ? []
      : [p.coverageFloorFeature, ...p.coverageFloorFallback.filter((x) => x !== p.coverageFloorFeature)]) {
      const c = applyCoverageFloor(model, data, times, {
        floor: p.coverageFloor,
        feature,
        maxUsers: p.coverageFloorUsers,
        seed: p.seed,
        candidates,
      });
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
    ...(coverageFloorSteps.length > 0
      ? { coverageFloor: coverageFloorSteps[coverageFloorSteps.length - 1], coverageFloorSteps }
      : {}),
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

/**
 * # hybrid/ — the learned blend
 *
 * Holds: the model and config types with the fit's zod defaults (types.ts), feature columns (features.ts), the
 * ranking blend (rank-blend.ts), the rating blend (rating-blend.ts), the fit orchestration (this file) and its
 * background fit worker (fit-pool.ts, fit-worker.ts), scoring (score.ts, training-scoring.ts) and the registry's
 * params (params.ts).
 * May import: core, kernels, algorithms.
 * Invariants: the blends learn on validation splits carved from the TRAIN matrix only (never a test row); every
 * default lives in a zod schema — `fitHybrid` takes the parsed `HybridConfig` (hand-built configs go through
 * `HybridConfigSchema.parse`, registry params through `hybridConfigFrom`) and never writes `?? value`; the same
 * seed gives the same model, with or without the background worker.
 */
/**
 * The learned hybrid: stacking of collaborative models, the content model and popularity.
 *
 * - Ranking: a linear ranker over per-user standardised base scores plus popularity and cold-item
 *   features, trained by coordinate ascent on validation NDCG@10 (Metzler & Croft 2007, "Linear
 *   feature-based models for information retrieval"). Separate weight vectors for cold users
 *   (≤ `coldUserThreshold` train ratings) and warm users.
 * - Rating: ridge regression on the base models' predictions (stacked generalisation, Wolpert
 *   1992; the Netflix Prize blends, Töscher, Jahrer & Bell 2009), with cold-user/cold-item
 *   interaction terms so the blend leans on content and baselines where the data is thin.
 * - Both blends are learned on a validation split carved from the TRAIN matrix only (per-user
 *   temporal holdout when timestamps are given, else seeded random), then every base model is
 *   refit on the full train.
 */
import {
  buildContentIndex,
  ContentTfidfConfigSchema,
  fitContentTfidf,
  recommendFromScores,
  type ContentTfidfConfig,
  type ContentTfidfModel,
} from '../algorithms/content-tfidf';
import { ModelFitError, type RatingMatrix, type Recommender } from '../core/types';
import { alignTimestamps, buildTimeContext, counts, popularityZ, rankFeatureNames, timeContextOf } from './features';
import { type BackgroundFits, type FitRequest, startBackgroundFits } from './fit-pool';
import { carveBlendValidation, sampleSorted, type ValidationSplit } from '../core/holdout';
import {
  buildRankTrainingSet,
  coordinateAscent,
  exposureCounts,
  exposureZOf,
  fmtWeights,
  pairedDifference,
  perUserAccuracy,
  setColumn,
} from './rank-blend';
import { chooseRatingBlend, ratingFeatureNames, ratingFeatureRow, ridgeMasked, thinColdTerms } from './rating-blend';
import { createHybridScratch, isColdUser, predictHybrid, recommendHybrid, scoreHybridUser } from './score';
import { trainingScoringBases } from './training-scoring';
import {
  type FittedBase,
  type HybridBase,
  type HybridConfig,
  type HybridModel,
  type HybridPhase,
  type RankWeights,
  type Source,
} from './types';

/**
 * Fits each base on `data`. With `shared`, a base with the same name and config as one fitted
 * before on the same data (e.g. item-kNN in both the ranking and the rating blend) reuses that fit.
 * With `background`, a base queued on the background worker is taken from there (the worker's model is the same);
 * those go last, so the worker has longer to reach them while this thread fits the others, and one the worker is
 * busy with goes after any this thread can still claim.
 */
function fitBaseModels(
  bases: readonly HybridBase[],
  data: RatingMatrix,
  log: (m: string) => void,
  shared?: Map<string, unknown>,
  background?: BackgroundFits | null,
): FittedBase[] {
  const request = (b: HybridBase): FitRequest => ({ recommender: b.recommender, config: b.config, data });
  const queued = bases.map((b) => background?.isQueued(request(b)) ?? false);
  const pending = bases.map((_, x) => x).sort((x, y) => Number(queued[x]) - Number(queued[y]));
  const models: unknown[] = new Array(bases.length);
  while (pending.length > 0) {
    const next = pending.findIndex((x) => !background?.isRunning(request(bases[x])));
    const [x] = pending.splice(Math.max(next, 0), 1);
    const b = bases[x];
    const key = `${b.name}|${JSON.stringify(b.config)}`;
    let model = shared?.get(key);
    if (model === undefined) {
      model = background?.take(request(b), log);
      if (model === undefined) {
        const t0 = Date.now();
        model = b.recommender.fit(data, b.config);
        log(`  fit ${b.name} in ${((Date.now() - t0) / 1000).toFixed(2)} s`);
      }
      shared?.set(key, model);
    } else log(`  ${b.name}: reusing the fit of the same config`);
    models[x] = model;
  }
  return bases.map((b, x) => ({
    name: b.name,
    group: b.group ?? 'collaborative',
    recommender: b.recommender,
    model: models[x],
  }));
}

/**
 * Fits the hybrid. Steps: carve validation from `data` (train only) → fit the bases on the fitting
 * part → learn the ranking weights (warm and cold users separately) and the rating blend on the
 * held-out rows → refit every base on the full `data`. The test split never enters: the caller
 * passes only train.
 *
 * Cost ≈ 2 × (Σ base fits) + nValUsers × (Σ base scoring) + coordinate ascent (≈ 1 s).
 */
export function fitHybrid(data: RatingMatrix, config: HybridConfig): HybridModel {
  const steps = fitHybridSteps(data, config);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * {@link fitHybrid} as a generator that yields before each phase, so an async caller (the model job) can record
 * progress, or abort, between phases.
 */
export function* fitHybridSteps(data: RatingMatrix, config: HybridConfig): Generator<HybridPhase, HybridModel> {
  const run = prepareFit(data, config);
  const { log, tasks } = run;
  // Ranking blend.
  let ranking: RankBlends = { warm: null, cold: null, anon: null, firstStage: null };
  const rankNames = rankFeatureNames(
    run.rankingBaseSpecs.map((b) => ({
      name: b.name,
      group: b.group ?? 'collaborative',
      recommender: b.recommender,
      model: null,
    })),
    data.implicit !== undefined,
  );
  if (tasks.has('ranking')) {
    yield { phase: 'fitting validation models', progress: 0.05 };
    const valBases = run.fitBases(run.rankingBaseSpecs, run.split.fit, log);
    yield { phase: 'learning blend weights', progress: 0.35 };
    ranking = learnRankBlends(run, data, valBases, rankNames);
  }
  // Rating blend.
  let rating: RatingBlend = {
    ratingWeights: null,
    ratingValidationRmse: null,
    ratingSupportMinUser: undefined,
    ratingValFits: null,
    ratingNames: [],
  };
  if (tasks.has('rating') && run.ratingBaseSpecs.length > 0) {
    yield { phase: 'learning the rating blend', progress: 0.45 };
    rating = learnRatingBlend(run, data, run.fitBases(run.ratingBaseSpecs, run.ratingSplit.fit, log));
  }
  // Refit on the full train.
  yield { phase: 'fitting final model', progress: 0.55 };
  const { rankingBases, ratingBases } = refitBases(run, data, rating.ratingValFits);
  run.background?.close();
  const content = run.contentConfig ? fitContentTfidf(data, run.contentConfig) : null;
  const { itemCount, userCount } = counts(data);
  const { warm, cold, anon } = ranking;
  const { ratingWeights, ratingValidationRmse, ratingSupportMinUser, ratingNames } = rating;
  const draft: HybridModel = {
    rankingBases,
    ratingBases,
    content,
    itemCount,
    userCount,
    popZ: popularityZ(itemCount),
    time: run.timestamps ? timeContextOf(data, run.timestamps) : null,
    exposureZ: null,
    rankFeatures: rankNames.names,
    rankFeatureGroup: rankNames.groups,
    warm,
    cold,
    anon,
    ratingFeatures: ratingNames,
    ratingWeights,
    ratingValidationRmse,
    ...(ratingSupportMinUser !== undefined ? { ratingSupportMinUser } : {}),
    coldUserThreshold: run.coldU,
    coldItemThreshold: run.coldI,
    scale: data.scale,
    globalMean: data.globalMean,
  };
  yield { phase: 'exposure', progress: 0.85 };
  const exposureZ = ranking.firstStage ? trainExposure(run, data, draft, ranking.firstStage) : null;
  const model: HybridModel = { ...draft, exposureZ };
  for (const r of [warm, cold, anon])
    if (r && !r.w.every(Number.isFinite)) throw new ModelFitError('hybrid: non-finite ranking weights');
  if (ratingWeights && !ratingWeights.every(Number.isFinite))
    throw new ModelFitError('hybrid: non-finite rating weights');
  return model;
}

/** What every phase of one fit shares: resolved knobs, the validation splits, their content fits, the base fitter. */
interface FitRun {
  config: HybridConfig;
  log: (m: string) => void;
  seed: number;
  tasks: ReadonlySet<string>;
  coldU: number;
  coldI: number;
  relevantRating: number;
  rankingBaseSpecs: readonly HybridBase[];
  ratingBaseSpecs: readonly HybridBase[];
  contentConfig: ContentTfidfConfig | null;
  timestamps: Float64Array | undefined;
  split: ValidationSplit;
  valContent: ContentTfidfModel | null;
  ratingSplit: ValidationSplit;
  ratingValContent: ContentTfidfModel | null;
  background: BackgroundFits | null;
  fitBases: (
    bases: readonly HybridBase[],
    on: RatingMatrix,
    l: (m: string) => void,
    shared?: Map<string, unknown>,
  ) => FittedBase[];
}

/** Resolves the knobs, carves the validation splits, fits their content models and queues the background fits. */
function prepareFit(data: RatingMatrix, config: HybridConfig): FitRun {
  const { log, seed, relevantRating } = config;
  const tasks = new Set(config.tasks);
  const coldU = config.coldUserThreshold;
  const coldI = config.coldItemThreshold;
  const rankingBaseSpecs = tasks.has('ranking') ? config.rankingBases : [];
  const ratingBaseSpecs = tasks.has('rating') ? config.ratingBases : [];
  const contentIndex = config.content
    ? (config.content.index ?? buildContentIndex(config.content.docs, config.content))
    : null;
  // The fits see the index and the mean shrinkage only (the predictor keeps its schema defaults), as always.
  const contentConfig = contentIndex
    ? ContentTfidfConfigSchema.parse({ index: contentIndex, meanShrinkage: config.content?.meanShrinkage })
    : null;

  const timestamps =
    config.timestamps ??
    (config.timeRows?.timestamps
      ? alignTimestamps(data, config.timeRows.userIds, config.timeRows.movieIds, config.timeRows.timestamps)
      : undefined);
  const split = carveBlendValidation(data, {
    share: config.validationShare,
    seed,
    timestamps: tasks.has('ranking') ? timestamps : undefined,
    coldEvery: config.coldSimulationEvery,
    coldKeep: coldU,
  });
  log(`hybrid: validation split ${split.fit.byUser.values.length} fitting rows, ${split.heldUsers.length} held out`);
  const valContent = contentConfig ? fitContentTfidf(split.fit, contentConfig) : null;
  // The rating blend learns on a random holdout (the rating protocol's shape); the ranking blend on
  // the temporal one when timestamps exist. Without timestamps both are the same random split.
  // No cold-user simulation here: truncating users weakens the validation fits of every rating base,
  // and the cold terms still learn from the naturally thin users and items.
  const ratingSplit = tasks.has('rating')
    ? carveBlendValidation(data, { share: config.validationShare, seed, coldEvery: 0, coldKeep: coldU })
    : split;
  const ratingValContent =
    config.ratingContent === false
      ? null
      : ratingSplit === split
        ? valContent
        : contentConfig
          ? fitContentTfidf(ratingSplit.fit, contentConfig)
          : null;

  // Every base fit depends on its data only, not on the blends: queue the ones a worker can do on a second thread
  // (fit-pool.ts; same models bit for bit), in the order this thread needs them. This thread fits the rest
  // and takes over any queued fit the worker has not started when it is needed.
  const keepRatingValFits = config.refitRatingBases === false && ratingBaseSpecs.length > 0;
  const rankingKeys = new Set(rankingBaseSpecs.map((b) => `${b.name}|${JSON.stringify(b.config)}`));
  const background = startBackgroundFits([
    ...rankingBaseSpecs.map((b) => ({ recommender: b.recommender, config: b.config, data: split.fit })),
    ...ratingBaseSpecs.map((b) => ({ recommender: b.recommender, config: b.config, data: ratingSplit.fit })),
    ...rankingBaseSpecs.map((b) => ({ recommender: b.recommender, config: b.config, data })),
    ...ratingBaseSpecs
      .filter((b) => !keepRatingValFits || rankingKeys.has(`${b.name}|${JSON.stringify(b.config)}`))
      .map((b) => ({ recommender: b.recommender, config: b.config, data })),
  ]);
  const fitBases = (
    bases: readonly HybridBase[],
    on: RatingMatrix,
    l: (m: string) => void,
    shared?: Map<string, unknown>,
  ) => fitBaseModels(bases, on, l, shared, background);
  return {
    config,
    log,
    seed,
    tasks,
    coldU,
    coldI,
    relevantRating,
    rankingBaseSpecs,
    ratingBaseSpecs,
    contentConfig,
    timestamps,
    split,
    valContent,
    ratingSplit,
    ratingValContent,
    background,
    fitBases,
  };
}

interface RankBlends {
  warm: RankWeights | null;
  cold: RankWeights | null;
  anon: RankWeights | null;
  /** Stage-1 warm weights (no exposure feature): the exposure column of the final model is computed from them. */
  firstStage: Float32Array | null;
}

/** Learns the warm (two stages, optional γ path), cold and anonymous ranking weights on the validation users. */
function learnRankBlends(
  run: FitRun,
  data: RatingMatrix,
  valBases: FittedBase[],
  rankNames: { names: string[]; groups: Source[] },
): RankBlends {
  const { config, log, seed, split, coldU, coldI } = run;
  // A switched-off feature this model does not have (e.g. a base not in rankingBases) is simply absent.
  const off = new Set(config.rankFeaturesOff);
  const allowed = rankNames.names.map((n) => !off.has(n));
  const coldOff = new Set(config.coldRankFeaturesOff);
  const coldAllowed = rankNames.names.map((n) => !coldOff.has(n));
  const relevant = new Map<number, number[]>();
  for (let t = 0; t < split.heldUsers.length; t++) {
    if (split.heldRatings[t] < run.relevantRating) continue;
    const u = split.heldUsers[t];
    let l = relevant.get(u);
    if (l === undefined) relevant.set(u, (l = []));
    l.push(split.heldItems[t]);
  }
  const warmUsers: number[] = [];
  const coldUsers: number[] = [];
  for (const u of [...relevant.keys()].sort((a, b) => a - b)) {
    const n = split.fit.byUser.indptr[u + 1] - split.fit.byUser.indptr[u];
    (n <= coldU ? coldUsers : warmUsers).push(u);
  }
  // Training cost is linear in the validation users: large data sets learn from a seeded sample.
  const cap = config.maxValidationUsers;
  for (const list of [warmUsers, coldUsers]) {
    if (list.length <= cap) continue;
    const kept = sampleSorted(list, cap, seed);
    list.length = 0;
    list.push(...kept);
  }
  const pool = config.poolPerBase;
  const nItems = data.items.size;
  const t0 = Date.now();
  const valTime = split.fitTimes
    ? buildTimeContext(
        data.users.size,
        data.items.size,
        split.fitTimes.users,
        split.fitTimes.items,
        split.fitTimes.times,
        split.fitTimes.ratings,
      )
    : null;
  const scoringBases = trainingScoringBases(valBases);
  const F = rankNames.names.length;
  const warmSet = buildRankTrainingSet(
    scoringBases,
    run.valContent,
    split,
    warmUsers,
    relevant,
    pool,
    coldI,
    valTime,
    F,
  );
  const coldSet = buildRankTrainingSet(
    scoringBases,
    run.valContent,
    split,
    coldUsers,
    relevant,
    pool,
    coldI,
    valTime,
    F,
  );
  log(
    `  ranking features: ${warmUsers.length} warm + ${coldUsers.length} cold users, ${warmSet.item.length + coldSet.item.length} candidate rows in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  const gamma = config.coverageWeight;
  const beta = config.recallWeight;
  // Stage 1 without the exposure feature; stage 2 adds it (computed from stage 1's lists).
  const fExp = rankNames.names.indexOf('exposure');
  const noExposure = allowed.map((a, f) => a && f !== fExp);
  const target = config.coverageTarget;
  const stage1 = coordinateAscent(warmSet, nItems, beta, gamma, rankNames.names, noExposure, undefined, target);
  const valExposure = exposureZOf(exposureCounts(warmSet, stage1.w, nItems));
  setColumn(warmSet, fExp, valExposure);
  setColumn(coldSet, fExp, valExposure);
  let warm = coordinateAscent(warmSet, nItems, beta, gamma, rankNames.names, allowed, stage1.w, target);
  // One-standard-error rule along a γ path: the most coverage-seeking blend whose validation accuracy is not
  // worse than the γ blend's by more than one standard error of the paired per-user difference.
  const path = config.coverageWeightPath.filter((g) => g > gamma).sort((x, y) => x - y);
  if (path.length > 0) {
    const ref = perUserAccuracy(warmSet, warm.w, nItems, beta);
    let prev = warm;
    for (const g of path) {
      const cand = coordinateAscent(warmSet, nItems, beta, g, rankNames.names, allowed, prev.w, target);
      const d = pairedDifference(ref, perUserAccuracy(warmSet, cand.w, nItems, beta));
      const keep = d.mean >= -d.se;
      log(
        `  γ=${g}: val NDCG@10 ${cand.validationNdcg.toFixed(4)}, coverage@10 ${cand.validationCoverage?.toFixed(4)}, accuracy Δ ${d.mean.toFixed(4)} ± ${d.se.toFixed(4)} (SE)${keep ? ' kept' : ' rejected'}`,
      );
      if (!keep) break;
      warm = cand;
      prev = cand;
    }
  }
  log(
    `  stage-1 warm weights ${fmtWeights(rankNames.names, stage1.w)} (val NDCG@10 ${stage1.validationNdcg.toFixed(4)})`,
  );
  const learnCold = coldUsers.length > 0 && coldUsers.length >= config.minColdBlendUsers;
  if (!learnCold)
    log(`  ${coldUsers.length} cold validation users: too few to learn a cold blend, cold users get the warm blend`);
  const cold = learnCold ? coordinateAscent(coldSet, nItems, beta, 0, rankNames.names, coldAllowed) : null;
  log(
    `  warm weights ${fmtWeights(rankNames.names, warm.w)} (val NDCG@10 ${warm.validationNdcg.toFixed(4)}, Recall@20 ${warm.validationRecall20?.toFixed(4)}, coverage@10 ${warm.validationCoverage?.toFixed(4)})`,
  );
  const nonPersonal = rankNames.names.map(
    (n, f) => allowed[f] && (rankNames.groups[f] === 'popular' || n === 'coldItem'),
  );
  const anon = learnCold ? coordinateAscent(coldSet, nItems, beta, 0, rankNames.names, nonPersonal) : null;
  if (anon)
    log(`  anonymous weights ${fmtWeights(rankNames.names, anon.w)} (val NDCG@10 ${anon.validationNdcg.toFixed(4)})`);
  if (cold)
    log(`  cold weights ${fmtWeights(rankNames.names, cold.w)} (val NDCG@10 ${cold.validationNdcg.toFixed(4)})`);
  return { warm, cold, anon, firstStage: stage1.w };
}

interface RatingBlend {
  ratingWeights: Float32Array | null;
  ratingValidationRmse: number | null;
  ratingSupportMinUser: number | undefined;
  /** The rating bases fitted on the rating split (kept when `refitRatingBases` is false). */
  ratingValFits: FittedBase[] | null;
  ratingNames: string[];
}

/** Learns the ridge rating blend on the held-out rows of the rating split (λ and support terms by user-fold CV). */
function learnRatingBlend(run: FitRun, data: RatingMatrix, valBases: FittedBase[]): RatingBlend {
  const { config, log, seed, ratingSplit, coldU, coldI } = run;
  const ratingValContent = run.ratingValContent;
  const ratingNames = ratingFeatureNames(valBases, ratingValContent !== null, config.ratingSupportTerms);
  const F = ratingNames.length;
  const xtx = new Float64Array(F * F);
  const xty = new Float64Array(F);
  const row = new Float64Array(F);
  const c = counts(ratingSplit.fit);
  // Rows computed the way the model will be served (when the caller serves it differently), so the blend
  // learns on exactly the features it will be applied to.
  const servedRow = config.servedRatingRow?.({
    bases: valBases,
    content: ratingValContent,
    fit: ratingSplit.fit,
    names: ratingNames,
    coldUserThreshold: coldU,
    coldItemThreshold: coldI,
  });
  // Large data sets learn the (few) blend weights from a seeded sample of the held-out rows.
  // Per-user work (fold-ins, neighbour searches) dominates served rows: sample users first, then rows.
  let allHeld = Array.from({ length: ratingSplit.heldUsers.length }, (_, t) => t);
  const heldUserList = [...new Set(ratingSplit.heldUsers)];
  const maxUsers = config.maxRatingUsers;
  if (heldUserList.length > maxUsers) {
    const keep = new Set(sampleSorted(heldUserList, maxUsers, seed + 3));
    allHeld = allHeld.filter((t) => keep.has(ratingSplit.heldUsers[t]));
  }
  const maxRows = config.maxRatingRows;
  const heldRows = allHeld.length > maxRows ? sampleSorted(allHeld, maxRows, seed + 2) : allHeld;
  const nHeld = heldRows.length;
  const heldY = Float32Array.from(heldRows, (t) => ratingSplit.heldRatings[t]);
  const rows = new Float32Array(nHeld * F);
  const thin = thinColdTerms(ratingNames, heldRows, ratingSplit, c, coldU, coldI, config.minColdBlendUsers);
  if (thin.length > 0)
    log(
      `  rating blend: ${thin.map((f) => ratingNames[f]).join(', ')} off (fewer than ${config.minColdBlendUsers} cold users or items among the rows)`,
    );
  for (let x = 0; x < nHeld; x++) {
    const t = heldRows[x];
    if (servedRow) servedRow(ratingSplit.heldUsers[t], ratingSplit.heldItems[t], row);
    else
      ratingFeatureRow(
        valBases,
        ratingValContent,
        ratingSplit.fit,
        c.userCount,
        c.itemCount,
        coldU,
        coldI,
        ratingSplit.heldUsers[t],
        ratingSplit.heldItems[t],
        row,
      );
    for (const f of thin) row[f] = 0;
    rows.set(row, x * F);
    const y = heldY[x];
    for (let a = 0; a < F; a++) {
      xty[a] += row[a] * y;
      for (let b = 0; b < F; b++) xtx[a * F + b] += row[a] * row[b];
    }
  }
  const choice = chooseRatingBlend(
    rows,
    heldY,
    Int32Array.from(heldRows, (t) => ratingSplit.heldUsers[t]),
    ratingNames,
    data.scale,
    config.ridgeLambda,
    seed,
  );
  log(
    `  rating blend CV (5 folds by user, validation rows): ${choice.table}; chosen λ ${choice.lambda}${choice.support ? ' with' : ' without'} support terms`,
  );
  const ratingWeights = ridgeMasked(xtx, xty, F, choice.lambda, choice.mask);
  // In-sample RMSE of the blend on the held-out rows (clipped like predictHybrid): the model job's rating metric.
  let se = 0;
  for (let t = 0; t < nHeld; t++) {
    let v = 0;
    for (let f = 0; f < F; f++) v += ratingWeights[f] * rows[t * F + f];
    v = Math.min(data.scale[1], Math.max(data.scale[0], v));
    se += (v - heldY[t]) ** 2;
  }
  const ratingValidationRmse = nHeld > 0 ? Math.sqrt(se / nHeld) : null;
  const ratingSupportMinUser =
    nHeld > 0 ? Math.min(...new Set(Array.from(heldRows, (t) => c.userCount[ratingSplit.heldUsers[t]]))) : undefined;
  log(`  rating blend ${fmtWeights(ratingNames, ratingWeights)}`);
  return { ratingWeights, ratingValidationRmse, ratingSupportMinUser, ratingValFits: valBases, ratingNames };
}

/** Refits every base on the full train (a base in both blends is fitted once). */
function refitBases(
  run: FitRun,
  data: RatingMatrix,
  ratingValFits: FittedBase[] | null,
): { rankingBases: FittedBase[]; ratingBases: FittedBase[] } {
  const { config, log } = run;
  log('hybrid: refitting bases on the full train');
  const sharedFits = new Map<string, unknown>();
  const rankingBases = run.fitBases(run.rankingBaseSpecs, data, log, sharedFits);
  // Rating-only bases may keep their validation fit (served users are folded in from their current ratings, so only
  // the item side comes from 80% of the ratings); a base shared with the ranking blend uses its full-data fit.
  const keepVal = config.refitRatingBases === false && ratingValFits !== null;
  const ratingBases = run.ratingBaseSpecs.map((b, x) => {
    const key = `${b.name}|${JSON.stringify(b.config)}`;
    if (keepVal && !sharedFits.has(key)) {
      log(`  ${b.name}: keeping the validation fit`);
      return ratingValFits![x];
    }
    return run.fitBases([b], data, log, sharedFits)[0];
  });
  return { rankingBases, ratingBases };
}

/** Exposure on the full train: how often each item is in a user's top-10 under the stage-1 blend, z-scored. */
function trainExposure(run: FitRun, data: RatingMatrix, draft: HybridModel, firstStage: Float32Array): Float32Array {
  const stage1Model: HybridModel = {
    ...draft,
    rankingBases: trainingScoringBases(draft.rankingBases),
    warm: { w: firstStage, validationNdcg: 0, validationUsers: 0 },
  };
  const exp = new Int32Array(data.items.size);
  const scratch = createHybridScratch(stage1Model, data.items.size);
  const scores = new Float32Array(data.items.size);
  const warmAll: number[] = [];
  for (let u = 0; u < data.users.size; u++) if (!isColdUser(stage1Model, u)) warmAll.push(u);
  const cap = run.config.maxValidationUsers;
  // Counts from a sample are scaled by the z-scoring (log counts, standardised), so a sample suffices.
  for (const u of warmAll.length > cap ? sampleSorted(warmAll, cap, run.seed + 1) : warmAll) {
    scoreHybridUser(stage1Model, data, u, scores, scratch);
    for (const { itemIdx } of recommendFromScores(scores, data, u, 10)) exp[itemIdx]++;
  }
  return exposureZOf(exp);
}

/** {@link Recommender} adapter: the served model. */
export const hybridRecommender: Recommender<HybridConfig, HybridModel> = {
  name: 'hybrid',
  fit: fitHybrid,
  predict: predictHybrid,
  scoreItems(model, data, userIdx, out) {
    scoreHybridUser(model, data, userIdx, out);
  },
  recommend(model, data, userIdx, k, opts) {
    return recommendHybrid(model, data, userIdx, k, opts).map(({ itemIdx, score }) => ({ itemIdx, score }));
  },
};

/**
 * The serving model: what the web app keeps in memory and the nightly job stores as tables.
 *
 * Built from the engine's parts — implicit ALS item factors (with live fold-in), item-kNN neighbour lists,
 * content (TF-IDF) neighbour lists, popularity and baseline biases — and blended per user by weights learned on a
 * validation holdout carved from the training ratings (separate weights for cold users). Every field is a typed
 * array or a number so a version round-trips through the database byte for byte.
 *
 * Scoring one user over the catalogue costs O(nItems·k + Σ_rated K): ~1 ms for 10k items at k = 64.
 */
import { fitImplicitAls, recalculateUser, DEFAULT_IMPLICIT_ALS, type ImplicitAlsConfig, type ImplicitAlsModel } from './implicit-als';
import { fitItemKnn } from './item-knn';
import { truncateRows } from './similarity';
import { buildContentIndex, fitContentTfidf } from './content-tfidf';
import type { ContentDoc } from './content-tfidf';
import { transpose, buildRatingMatrix } from './sparse';
import { createRng } from './rng';
import { ModelFitError, ShapeError, type Csr, type RatingMatrix } from './types';

export const BASES = ['als', 'knn', 'content', 'pop'] as const;
export type BaseName = (typeof BASES)[number];

/** Neighbour lists: row i holds up to K (index, similarity) pairs, best first. */
export interface NeighbourTable {
  indptr: Int32Array;
  indices: Int32Array;
  sims: Float32Array;
}

export interface ServingModel {
  /** itemIdx → movieId. Length nItems. */
  itemIds: Int32Array;
  /** userIdx → userId of the users in the training snapshot. Length nUsers. */
  userIds: Int32Array;
  k: number;
  /** nItems × k row-major ALS item factors. */
  itemFactors: Float32Array;
  /** nUsers × k row-major ALS user factors at training time (members are re-solved live). */
  userFactors: Float32Array;
  /** k × k YᵀY of the item factors, row-major. */
  itemGram: Float64Array;
  /** ALS hyper-parameters the fold-in must reuse: [reg, alpha, threshold]. */
  alsParams: Float32Array;
  /** Item-kNN (pearson-baseline) neighbours. */
  knn: NeighbourTable;
  /** Content cosine neighbours ("more like this"). */
  content: NeighbourTable;
  /** Standardised log(1 + #ratings) per item. */
  popularity: Float32Array;
  /** Baseline: [globalMean], item biases. */
  globalMean: number;
  itemBias: Float32Array;
  /** Blend weights over BASES for warm and cold users (length 4 each). */
  warmWeights: Float32Array;
  coldWeights: Float32Array;
  coldThreshold: number;
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
  als: Partial<ImplicitAlsConfig>;
  /** Use these factors instead of fitting ALS (the scale-out trainer contract, docs/SCALING.md). */
  externalFactors?: ExternalFactors;
  neighbours: number;
  coldThreshold: number;
  seed: number;
}

export const DEFAULT_SERVING: ServingConfig = { als: { factors: 64, iterations: 15 }, neighbours: 30, coldThreshold: 5, seed: 42 };

export interface UserRatings {
  itemIdx: Int32Array;
  values: Float32Array;
}

function neighboursFromCsr(sims: Csr, k: number): NeighbourTable {
  const t = truncateRows(sims, k);
  const indptr = Int32Array.from(t.indptr);
  const indices = new Int32Array(t.indices.length);
  const out = new Float32Array(t.values.length);
  // Sort each row by similarity, best first, so callers can stop early.
  for (let r = 0; r < t.nRows; r++) {
    const a = t.indptr[r];
    const b = t.indptr[r + 1];
    const order = Array.from({ length: b - a }, (_, x) => a + x).sort((p, q) => t.values[q] - t.values[p] || t.indices[p] - t.indices[q]);
    order.forEach((p, x) => {
      indices[a + x] = t.indices[p];
      out[a + x] = t.values[p];
    });
  }
  return { indptr, indices, sims: out };
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
  for (let i = 0; i < n; i++) {
    let nt = 0;
    for (let p = vectors.indptr[i]; p < vectors.indptr[i + 1]; p++) {
      const f = vectors.indices[p];
      if (skip[f]) continue;
      const w = vectors.values[p];
      for (let q = byFeature.indptr[f]; q < byFeature.indptr[f + 1]; q++) {
        const j = byFeature.indices[q];
        if (j === i) continue;
        if (scores[j] === 0) touched[nt++] = j;
        scores[j] += w * byFeature.values[q];
      }
    }
    const cand = Array.from(touched.subarray(0, nt)).filter((j) => scores[j] > 0);
    cand.sort((a, b) => scores[b] - scores[a] || a - b);
    for (const j of cand.slice(0, k)) {
      idx.push(j);
      val.push(scores[j]);
    }
    for (let t = 0; t < nt; t++) scores[touched[t]] = 0;
    indptr[i + 1] = idx.length;
  }
  return { indptr, indices: Int32Array.from(idx), sims: Float32Array.from(val) };
}

function zscore(v: Float32Array): void {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < v.length; i++) {
    s += v[i];
    s2 += v[i] * v[i];
  }
  const mean = s / v.length;
  const sd = Math.sqrt(Math.max(s2 / v.length - mean * mean, 1e-12));
  for (let i = 0; i < v.length; i++) v[i] = (v[i] - mean) / sd;
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

/** The four base score vectors for one user (each length nItems, standardised). */
export function baseScores(model: ServingModel, user: UserRatings): Record<BaseName, Float32Array> {
  const n = model.itemIds.length;
  const als = new Float32Array(n);
  const knn = new Float32Array(n);
  const content = new Float32Array(n);
  const pop = Float32Array.from(model.popularity);
  const mean = userMean(model, user);
  if (user.itemIdx.length > 0) {
    const x = recalculateUser(alsView(model), user.itemIdx, user.values);
    const k = model.k;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let f = 0; f < k; f++) s += x[f] * model.itemFactors[i * k + f];
      als[i] = s;
    }
    for (let t = 0; t < user.itemIdx.length; t++) {
      const j = user.itemIdx[t];
      const w = user.values[t] - mean;
      scatter(model.knn, j, w, knn);
      // Content also counts mildly positive for any rated movie, so a first rating already steers the feed.
      scatter(model.content, j, w + 0.25, content);
    }
  }
  for (const v of [als, knn, content, pop]) zscore(v);
  return { als, knn, content, pop };
}

function scatter(table: NeighbourTable, j: number, w: number, out: Float32Array): void {
  for (let p = table.indptr[j]; p < table.indptr[j + 1]; p++) out[table.indices[p]] += w * table.sims[p];
}

function userMean(model: ServingModel, user: UserRatings): number {
  let s = 0;
  for (let t = 0; t < user.values.length; t++) s += user.values[t];
  // Shrunk towards the global mean so one rating is not its own mean.
  return (s + 2 * model.globalMean) / (user.values.length + 2);
}

export function weightsFor(model: ServingModel, nRatings: number): Float32Array {
  return nRatings <= model.coldThreshold ? model.coldWeights : model.warmWeights;
}

/** Blended score per item for a user (higher is better). */
export function scoreUser(model: ServingModel, user: UserRatings, out: Float32Array, bases = baseScores(model, user)): void {
  if (out.length !== model.itemIds.length) throw new ShapeError(`score buffer ${out.length} ≠ ${model.itemIds.length} items`);
  const w = weightsFor(model, user.itemIdx.length);
  out.fill(0);
  BASES.forEach((b, x) => {
    if (w[x] === 0) return;
    const v = bases[b];
    for (let i = 0; i < out.length; i++) out[i] += w[x] * v[i];
  });
}

/**
 * Predicted rating: baseline μ + b_i + b_u plus the item-kNN residual term over the user's rated neighbours
 * (Koren 2010 eq. 3), clipped to [0.5, 5]. b_u is the user's shrunk mean residual.
 */
export function predictRating(model: ServingModel, user: UserRatings, itemIdx: number): number {
  const mu = model.globalMean;
  let bu = 0;
  for (let t = 0; t < user.itemIdx.length; t++) bu += user.values[t] - mu - model.itemBias[user.itemIdx[t]];
  bu /= user.itemIdx.length + 10;
  const base = (i: number) => mu + bu + model.itemBias[i];
  const rated = new Map<number, number>();
  for (let t = 0; t < user.itemIdx.length; t++) rated.set(user.itemIdx[t], user.values[t]);
  let num = 0;
  let den = 0;
  // Neighbour lists are per item and the similarity is symmetric, so i's own list finds the rated neighbours.
  for (let p = model.knn.indptr[itemIdx]; p < model.knn.indptr[itemIdx + 1]; p++) {
    const j = model.knn.indices[p];
    const r = rated.get(j);
    if (r === undefined) continue;
    num += model.knn.sims[p] * (r - base(j));
    den += Math.abs(model.knn.sims[p]);
  }
  const pred = base(itemIdx) + (den > 0 ? num / (den + 1) : 0);
  return Math.min(5, Math.max(0.5, pred));
}

export interface Contribution {
  /** The base that contributed most to this item's blended score. */
  base: BaseName;
  /** For knn/content: the rated item that contributed most, else -1. */
  fromItemIdx: number;
}

/** Which base and which rated movie contributed most to item i's score (the explanation). */
export function topContribution(model: ServingModel, user: UserRatings, bases: Record<BaseName, Float32Array>, itemIdx: number): Contribution {
  const w = weightsFor(model, user.itemIdx.length);
  let best = 'pop' as BaseName;
  let bestV = -Infinity;
  for (let x = 0; x < BASES.length; x++) {
    const v = w[x] * bases[BASES[x]][itemIdx];
    if (w[x] > 0 && v > bestV) {
      bestV = v;
      best = BASES[x];
    }
  }
  let fromItemIdx = -1;
  if (best === 'knn' || best === 'content' || best === 'als') {
    // For ALS, the rated item most similar in the neighbour tables stands in as the "because".
    const tables = best === 'content' ? [model.content] : [model.knn, model.content];
    const mean = userMean(model, user);
    let bestC = 0;
    for (const table of tables) {
      for (let t = 0; t < user.itemIdx.length; t++) {
        const j = user.itemIdx[t];
        for (let p = table.indptr[j]; p < table.indptr[j + 1]; p++) {
          if (table.indices[p] !== itemIdx) continue;
          const c = table.sims[p] * (user.values[t] - mean + (table === model.content ? 0.25 : 0));
          if (c > bestC) {
            bestC = c;
            fromItemIdx = j;
          }
        }
      }
      if (fromItemIdx >= 0) break;
    }
  }
  return { base: best, fromItemIdx };
}

export interface ServingTrainResult {
  model: ServingModel;
  /** Validation metrics of the learned blend (holdout carved from the training ratings). */
  metrics: { 'ndcg@10': number; 'recall@20': number; 'coverage@10': number; rmse: number; users: number };
  timings: Record<string, number>;
}

function contentTable(data: RatingMatrix, docs: readonly ContentDoc[] | null, k: number): NeighbourTable {
  if (!docs || docs.length === 0) {
    return { indptr: new Int32Array(data.items.size + 1), indices: new Int32Array(0), sims: new Float32Array(0) };
  }
  const cm = fitContentTfidf(data, { index: buildContentIndex(docs) });
  return contentNeighbours(cm.itemVectors, k);
}

/** Re-indexes external factors onto the matrix's vocabularies and computes YᵀY for fold-in. */
export function alignExternal(
  data: RatingMatrix,
  ext: ExternalFactors,
  cfg: Pick<ServingConfig, 'als'>,
): Pick<ImplicitAlsModel, 'k' | 'itemFactors' | 'userFactors' | 'itemGram' | 'reg' | 'alpha' | 'threshold'> {
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
  return { k, itemFactors, userFactors, itemGram, reg: ext.reg, alpha: ext.alpha, threshold: cfg.als.threshold ?? DEFAULT_IMPLICIT_ALS.threshold };
}

function fitParts(data: RatingMatrix, content: NeighbourTable, cfg: ServingConfig, timings: Record<string, number>): ServingModel {
  let t = performance.now();
  const als = cfg.externalFactors ? alignExternal(data, cfg.externalFactors, cfg) : fitImplicitAls(data, { ...DEFAULT_IMPLICIT_ALS, ...cfg.als, seed: cfg.seed });
  timings.als = (performance.now() - t) / 1000;
  t = performance.now();
  const knnModel = fitItemKnn(data, { k: cfg.neighbours });
  const knn = neighboursFromCsr(knnModel.sims, cfg.neighbours);
  timings.knn = (performance.now() - t) / 1000;
  const nItems = data.items.size;
  const popularity = new Float32Array(nItems);
  for (let i = 0; i < nItems; i++) popularity[i] = Math.log1p(data.byItem.indptr[i + 1] - data.byItem.indptr[i]);
  zscore(popularity);
  const model: ServingModel = {
    itemIds: Int32Array.from(data.items.ids),
    userIds: Int32Array.from(data.users.ids),
    k: als.k,
    itemFactors: als.itemFactors,
    userFactors: als.userFactors,
    itemGram: als.itemGram,
    alsParams: Float32Array.of(als.reg, als.alpha, als.threshold),
    knn,
    content,
    popularity,
    globalMean: data.globalMean,
    itemBias: Float32Array.from(knnModel.biases.itemBias),
    warmWeights: Float32Array.of(1, 0.5, 0.2, 0.1),
    coldWeights: Float32Array.of(0.2, 0.2, 0.6, 0.6),
    coldThreshold: cfg.coldThreshold,
  };
  assertFinite(model);
  return model;
}

function assertFinite(m: ServingModel): void {
  for (const [name, arr] of [['itemFactors', m.itemFactors], ['userFactors', m.userFactors], ['itemBias', m.itemBias]] as const) {
    for (let i = 0; i < arr.length; i++) if (!Number.isFinite(arr[i])) throw new ModelFitError(`non-finite value in ${name}[${i}]`);
  }
}

const GRID = [0, 0.25, 0.5, 1, 2];
const GRID_COLD_CONTENT = [0.5, 1, 2];

/**
 * Trains the serving model: carves a per-user 20% holdout from `data`, fits the parts on the rest, learns the
 * blend weights (grid search on validation NDCG@10, separately for users truncated to a cold start), then refits
 * the parts on all of `data`. No test data is involved.
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

function* trainingSteps(
  data: RatingMatrix,
  docs: readonly ContentDoc[] | null,
  config: Partial<ServingConfig>,
): Generator<{ phase: string; progress: number }, ServingTrainResult> {
  const cfg = { ...DEFAULT_SERVING, ...config };
  const timings: Record<string, number> = {};
  const rng = createRng(cfg.seed);
  const t0 = performance.now();
  yield { phase: 'carving validation', progress: 0.05 };
  const { byUser } = data;
  const fitU: number[] = [];
  const fitI: number[] = [];
  const fitR: number[] = [];
  const held = new Map<number, { items: number[]; values: number[] }>();
  for (let u = 0; u < byUser.nRows; u++) {
    const a = byUser.indptr[u];
    const b = byUser.indptr[u + 1];
    for (let p = a; p < b; p++) {
      if (b - a >= 5 && rng.next() < 0.2) {
        const h = held.get(u) ?? { items: [], values: [] };
        h.items.push(byUser.indices[p]);
        h.values.push(byUser.values[p]);
        held.set(u, h);
      } else {
        fitU.push(data.users.ids[u]);
        fitI.push(data.items.ids[byUser.indices[p]]);
        fitR.push(byUser.values[p]);
      }
    }
  }
  const fitData = buildRatingMatrix(
    { userIds: Int32Array.from(fitU), itemIds: Int32Array.from(fitI), ratings: Float32Array.from(fitR) },
    { users: data.users, items: data.items, scale: [data.scale[0], data.scale[1]] },
  );
  yield { phase: 'content neighbours', progress: 0.1 };
  const tc = performance.now();
  // Content depends only on the catalogue and the item vocabulary, shared by the validation and final fits.
  const content = contentTable(data, docs, cfg.neighbours);
  timings.content = (performance.now() - tc) / 1000;
  yield { phase: 'fitting validation model', progress: 0.2 };
  const vModel = fitParts(fitData, content, cfg, {});
  yield { phase: 'learning blend weights', progress: 0.45 };
  // Users to evaluate: those with a relevant held-out item; every 5th is also evaluated as a cold user.
  const evalUsers: { u: number; user: UserRatings; cold: UserRatings; relevant: Set<number> }[] = [];
  for (const [u, h] of held) {
    const relevant = new Set(h.items.filter((_, x) => h.values[x] >= 4));
    if (relevant.size === 0) continue;
    const a = fitData.byUser.indptr[u];
    const b = fitData.byUser.indptr[u + 1];
    const user = { itemIdx: fitData.byUser.indices.slice(a, b), values: fitData.byUser.values.slice(a, b) };
    const cold = { itemIdx: user.itemIdx.slice(0, cfg.coldThreshold), values: user.values.slice(0, cfg.coldThreshold) };
    evalUsers.push({ u, user, cold, relevant });
  }
  const nItems = data.items.size;
  const pick = (warm: boolean) => {
    const sample = evalUsers.filter((_, x) => x % 2 === (warm ? 0 : 1)).slice(0, 150);
    const cached = sample.map((e) => {
      const ratings = warm ? e.user : e.cold;
      return { e, ratings, bases: baseScores(vModel, ratings) };
    });
    let best = { w: Float32Array.of(1, 0, 0, 0), ndcg: -1 };
    const scores = new Float32Array(nItems);
    // The anchor base keeps weight 1 (scale is irrelevant to a ranking): ALS for warm users, popularity for cold.
    // Product rule: a cold user's feed always carries content (GRID_COLD_CONTENT > 0), so a first rating visibly
    // steers it even where pure popularity scores a little higher offline (docs/BENCHMARKS.md reports both).
    for (const b of GRID) for (const c of warm ? GRID : GRID_COLD_CONTENT) for (const d of GRID) {
      const w = warm ? Float32Array.of(1, b, c, d) : Float32Array.of(b, d, c, 1);
      let total = 0;
      for (const { e, ratings, bases } of cached) {
        scores.fill(0);
        BASES.forEach((name, x) => {
          if (w[x] === 0) return;
          const v = bases[name];
          for (let i = 0; i < nItems; i++) scores[i] += w[x] * v[i];
        });
        total += ndcgAt10(scores, ratings.itemIdx, e.relevant);
      }
      const ndcg = total / Math.max(1, cached.length);
      if (ndcg > best.ndcg + 1e-9) best = { w, ndcg };
    }
    return best.w;
  };
  const warmWeights = pick(true);
  yield { phase: 'learning cold-start weights', progress: 0.6 };
  const coldWeights = pick(false);
  vModel.warmWeights = warmWeights;
  vModel.coldWeights = coldWeights;
  yield { phase: 'evaluating', progress: 0.7 };
  const metrics = evaluateServing(vModel, evalUsers, held);
  timings.validation = (performance.now() - t0) / 1000;
  yield { phase: 'fitting final model', progress: 0.75 };
  const model = fitParts(data, content, cfg, timings);
  model.warmWeights = warmWeights;
  model.coldWeights = coldWeights;
  timings.total = (performance.now() - t0) / 1000;
  yield { phase: 'done', progress: 1 };
  return { model, metrics, timings };
}

function ndcgAt10(scores: Float32Array, exclude: ArrayLike<number>, relevant: Set<number>): number {
  const top = topN(scores, exclude, 10);
  let dcg = 0;
  top.forEach((i, r) => {
    if (relevant.has(i)) dcg += 1 / Math.log2(r + 2);
  });
  let ideal = 0;
  for (let r = 0; r < Math.min(10, relevant.size); r++) ideal += 1 / Math.log2(r + 2);
  return ideal > 0 ? dcg / ideal : 0;
}

/** Indices of the n highest scores, skipping `exclude`. O(nItems · n) worst case; n is small. */
export function topN(scores: Float32Array, exclude: ArrayLike<number>, n: number): number[] {
  const banned = new Set<number>(Array.from(exclude));
  const best: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    if (banned.has(i) || !Number.isFinite(scores[i])) continue;
    if (best.length < n || scores[i] > scores[best[best.length - 1]]) {
      let pos = best.length < n ? best.length : n - 1;
      if (best.length < n) best.push(i);
      while (pos > 0 && scores[best[pos - 1]] < scores[i]) {
        best[pos] = best[pos - 1];
        pos--;
      }
      best[pos] = i;
    }
  }
  return best;
}

function evaluateServing(
  model: ServingModel,
  users: { user: UserRatings; relevant: Set<number>; u: number }[],
  held: Map<number, { items: number[]; values: number[] }>,
): ServingTrainResult['metrics'] {
  const scores = new Float32Array(model.itemIds.length);
  let ndcg = 0;
  let recall = 0;
  const covered = new Set<number>();
  for (const { user, relevant } of users) {
    scoreUser(model, user, scores);
    const top = topN(scores, user.itemIdx, 20);
    ndcg += ndcgAt10(scores, user.itemIdx, relevant);
    recall += top.filter((i) => relevant.has(i)).length / Math.min(20, relevant.size);
    top.slice(0, 10).forEach((i) => covered.add(i));
  }
  let se = 0;
  let n = 0;
  for (const { user, u } of users) {
    const h = held.get(u)!;
    h.items.forEach((i, x) => {
      const e = predictRating(model, user, i) - h.values[x];
      se += e * e;
      n++;
    });
  }
  const m = Math.max(1, users.length);
  return {
    'ndcg@10': ndcg / m,
    'recall@20': recall / m,
    'coverage@10': covered.size / model.itemIds.length,
    rmse: n ? Math.sqrt(se / n) : 0,
    users: users.length,
  };
}

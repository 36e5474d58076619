/**
 * Builds the serving tables from a fitted hybrid: sparsified EASE rows, kNN and content neighbour tables, the
 * blends' weights and the time context, plus externally trained ALS factors aligned to the rating matrix.
 */
import type { BiasedMfModel } from '../algorithms/biased-mf';
import type { BiasesModel } from '../algorithms/biases';
import type { EaseModel } from '../algorithms/ease';
import { DEFAULT_IMPLICIT_ALS, type ImplicitAlsModel } from '../algorithms/implicit-als';
import type { ItemKnnModel } from '../algorithms/item-knn';
import type { PopularityModel } from '../algorithms/popularity';
import type { Rp3betaModel } from '../algorithms/rp3beta';
import { topKPositions } from '../core/select-top';
import type { LiveUserKnnModel } from '../algorithms/user-knn-live';
import { createTopScratch, selectTop } from '../core/select-top';
import { transpose } from '../core/sparse';
import { type Csr, ModelFitError, type RatingMatrix, ShapeError } from '../core/types';
import type { HybridModel } from '../hybrid/types';
import type { HybridParams } from '../hybrid/params';
import { z } from 'zod';
import type { ExternalFactors, NeighbourTable, ServingModel } from './model';

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

const EMPTY_TABLE = (n: number): NeighbourTable => ({
  indptr: new Int32Array(n + 1),
  indices: new Int32Array(0),
  sims: new Float32Array(0),
});

/** The model's kind tag ('ease', 'item-knn', …). */
function kindOf(model: unknown): string {
  return (model as { kind?: string } | null)?.kind ?? 'unknown';
}

/**
 * The serving tables' knobs beyond the hybrid params, with their defaults: the biased-MF penalties the fold-in
 * solves with (callers pass the rating base's parsed BiasedMfConfig; its `regBias` defaults to `reg`, as in the
 * fit) and β of the content profile's shrunk user mean (the content model's own default; the hybrid never sets
 * another). {@link servingFromHybrid} takes the parsed type.
 */
export const ServingTablesConfigSchema = z
  .object({
    contentMeanShrinkage: z.number().min(0).default(2),
    mfReg: z.number().min(0).default(0.1),
    mfRegBias: z.number().min(0).optional(),
    /** true: leave the content neighbour table empty (the rating blend's training rows never use it). */
    skipContentNeighbours: z.boolean().default(false),
  })
  .transform((c) => ({ ...c, mfRegBias: c.mfRegBias ?? c.mfReg }));
export type ServingTablesConfig = z.output<typeof ServingTablesConfigSchema>;

/**
 * Turns a fitted hybrid into the served tables. Throws when a base has no live fold-in here (user-kNN, biased MF,
 * SVD++ need the whole rating matrix or a per-user solve not wired up).
 */
export function servingFromHybrid(
  h: HybridModel,
  data: RatingMatrix,
  cfg: Pick<HybridParams, 'easeNeighbours' | 'knnNeighbours' | 'contentNeighbours'> & ServingTablesConfig,
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
      if (knnRank)
        throw new ModelFitError(`serving: ranking base "${b.name}" is a second neighbour-sum base (one is served)`);
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
  const easeParts = ease
    ? sparsifyEase(ease, cfg.easeNeighbours)
    : { table: EMPTY_TABLE(nItems), modelled: new Uint8Array(nItems) };
  const X = h.content?.itemVectors;
  const k = als?.k ?? 0;
  const alsParams = als
    ? Float32Array.of(als.reg, als.alpha, als.threshold)
    : Float32Array.of(DEFAULT_IMPLICIT_ALS.reg, DEFAULT_IMPLICIT_ALS.alpha, DEFAULT_IMPLICIT_ALS.threshold);
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
    ...(ease && ease.minWeight !== undefined && ease.minWeight < 1 && ease.scaleMax !== undefined
      ? { easeMinWeight: ease.minWeight, easeScaleMax: ease.scaleMax }
      : {}),
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
    mfReg: Float32Array.of(cfg.mfReg, cfg.mfRegBias),
    ukIndptr: uk ? uk.table.indptr : new Int32Array(nItems + 1),
    ukUsers: uk ? uk.table.users : new Int32Array(0),
    ukResiduals: uk ? uk.table.residuals : new Float32Array(0),
    ukItemBias: uk ? uk.itemBias : new Float32Array(nItems),
    ukMean: uk?.mean ?? data.globalMean,
    ukParams: uk ? Float32Array.of(uk.k, uk.minK, uk.shrinkage, uk.regUser) : Float32Array.of(40, 1, 100, 15),
    contentVectors: X
      ? { nCols: X.nCols, indptr: X.indptr, indices: X.indices, values: X.values }
      : { nCols: 0, indptr: new Int32Array(nItems + 1), indices: new Int32Array(0), values: new Float32Array(0) },
    content: X && !cfg.skipContentNeighbours ? contentNeighbours(X, cfg.contentNeighbours) : EMPTY_TABLE(nItems),
    contentMeanShrinkage: cfg.contentMeanShrinkage,
    contentPredictShrinkage: h.content?.predictShrinkage ?? 1,
    contentPredictNeighbours: h.content?.predictNeighbours ?? 40,
    popScore: pop ? Float32Array.from(pop.score) : new Float32Array(nItems),
    popZ: h.popZ,
    itemCount: h.itemCount,
    exposureZ: h.exposureZ ?? new Float32Array(nItems),
    time: t
      ? {
          t0: t.t0,
          binSeconds: t.binSeconds,
          nBins: t.nBins,
          windowBins: t.windowBins,
          recentCount: maxRecent(t.recentIndptr),
          cum: t.cum,
        }
      : null,
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

/** Re-indexes external factors onto the matrix's vocabularies and computes YᵀY for fold-in. */
export function alignExternal(
  data: RatingMatrix,
  ext: ExternalFactors,
  threshold = DEFAULT_IMPLICIT_ALS.threshold,
): ImplicitAlsModel {
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

/**
 * Content-based filtering: TF-IDF item vectors over namespaced content features and
 * rating-weighted user profiles scored by cosine similarity.
 *
 * References: Salton & Buckley (1988), "Term-weighting approaches in automatic text retrieval"
 * (TF-IDF, cosine); Lops, de Gemmis & Semeraro (2011), "Content-based Recommender Systems: State
 * of the Art and Trends" (user profile = rating-weighted sum of item vectors, Rocchio-style, with
 * disliked items pushing the profile away).
 */
import { z } from 'zod';
import { analyzeText } from './text';
import type { Csr, RatingMatrix, Recommender, RecommendOptions, ScoredItem } from '../core/types';
import { ShapeError } from '../core/types';
import { topKIndices } from '../core/select-top';
import { banImplicit } from '../core/interactions';

/**
 * Content of one item. A `string[]` field holds categorical values ("Drama", "Michael Mann"),
 * each becoming one feature `field:value` (lowercased, whitespace collapsed). A `string` field is
 * free text: tokenized, stop words removed and Porter-stemmed, each stem becoming `field:stem`.
 */
export interface ContentDoc {
  itemId: number;
  fields: Readonly<Record<string, readonly string[] | string>>;
}

/** The vectoriser's knobs with their defaults; {@link buildContentIndex} takes the parsed (output) type. */
export const ContentIndexConfigSchema = z.object({
  /**
   * Multiplier α_f of each field's (unit-length) block before the final L2 normalisation.
   * The share of field f in a cosine is ∝ α_f². Unlisted fields get `defaultFieldWeight`.
   */
  fieldWeights: z.record(z.string(), z.number().min(0)).readonly().optional(),
  /** Weight of fields missing from `fieldWeights`. */
  defaultFieldWeight: z.number().min(0).default(1),
  /** Features present in fewer documents are dropped: they cannot make two items similar. */
  minDf: z.number().int().min(1).default(2),
  /** TF transform: 'raw' = count, 'log' = 1 + ln(count). */
  tf: z.enum(['raw', 'log']).default('log'),
});
export type ContentIndexConfig = z.output<typeof ContentIndexConfigSchema>;
export type ContentIndexConfigInput = z.input<typeof ContentIndexConfigSchema>;

/** The vectorised catalogue: one L2-normalised TF-IDF row per document. Plain data. */
export interface ContentIndex {
  /** Row → raw item id. Length nDocs. */
  readonly itemIds: Int32Array;
  /** nDocs × nFeatures, rows L2-normalised (all-zero rows for documents without surviving features). */
  readonly vectors: Csr;
  /** Feature names ("g:drama", "d:michael mann", "o:detect"). Length nFeatures. */
  readonly features: readonly string[];
  /** Feature → index into `fields`. Length nFeatures. */
  readonly featureField: Int32Array;
  /** Field names in first-seen order. */
  readonly fields: readonly string[];
  /** Inverse document frequency ln(nDocs / df) per feature. Length nFeatures. */
  readonly idf: Float32Array;
}

/** Canonical form of a categorical value: lowercase, trimmed, inner whitespace collapsed. */
export function normalizeValue(value: string): string {
  return value.toLowerCase().trim().replace(/\s+/g, ' ');
}

/** Feature name of a categorical value in a field, e.g. featureName('d', 'Michael Mann') → 'd:michael mann'. */
export function featureName(field: string, value: string): string {
  return `${field}:${normalizeValue(value)}`;
}

/**
 * Builds TF-IDF item vectors. For document d, field f and feature t of f:
 *   w = tf(t, d) · ln(N / df(t));  block_f = w / ‖w‖₂;  v_d = Σ_f α_f · block_f, then v_d /= ‖v_d‖₂.
 * Normalising each field's block first keeps a long overview from drowning the few genre or
 * director features; α_f then sets the field's share (tuned on validation by the caller).
 *
 * Time O(total tokens + nnz log nnz_row); memory O(nnz). Deterministic: features are numbered in
 * first-seen order over the documents in input order.
 */
export function buildContentIndex(docs: readonly ContentDoc[], config: ContentIndexConfig): ContentIndex {
  const { minDf, tf: tfMode, defaultFieldWeight: defaultWeight } = config;

  const fieldIdx = new Map<string, number>();
  const fields: string[] = [];
  const featIdx = new Map<string, number>();
  const features: string[] = [];
  const featField: number[] = [];
  const df: number[] = [];
  // Per doc: feature id → count.
  const docCounts: Map<number, number>[] = [];

  for (const doc of docs) {
    const counts = new Map<number, number>();
    for (const [field, raw] of Object.entries(doc.fields)) {
      let fi = fieldIdx.get(field);
      if (fi === undefined) {
        fi = fields.length;
        fieldIdx.set(field, fi);
        fields.push(field);
      }
      const terms = typeof raw === 'string' ? analyzeText(raw) : raw.map(normalizeValue).filter((v) => v.length > 0);
      for (const term of terms) {
        const name = `${field}:${term}`;
        let id = featIdx.get(name);
        if (id === undefined) {
          id = features.length;
          featIdx.set(name, id);
          features.push(name);
          featField.push(fi);
          df.push(0);
        }
        const prev = counts.get(id);
        if (prev === undefined) {
          counts.set(id, 1);
          df[id]++;
        } else counts.set(id, prev + 1);
      }
    }
    docCounts.push(counts);
  }

  // Keep features with df ≥ minDf, renumbered densely in first-seen order.
  const nDocs = docs.length;
  const remap = new Int32Array(features.length).fill(-1);
  const keptNames: string[] = [];
  const keptField: number[] = [];
  const keptIdf: number[] = [];
  for (let f = 0; f < features.length; f++) {
    if (df[f] < minDf) continue;
    remap[f] = keptNames.length;
    keptNames.push(features[f]);
    keptField.push(featField[f]);
    keptIdf.push(Math.log(nDocs / df[f]));
  }
  const fieldAlpha = fields.map((f) => config.fieldWeights?.[f] ?? defaultWeight);

  const indptr = new Int32Array(nDocs + 1);
  const idxOut: number[] = [];
  const valOut: number[] = [];
  const blockNorm2 = new Float64Array(fields.length);
  for (let d = 0; d < nDocs; d++) {
    const entries: [number, number][] = [];
    for (const [f, c] of docCounts[d]) {
      const k = remap[f];
      if (k < 0) continue;
      const tf = tfMode === 'log' ? 1 + Math.log(c) : c;
      const w = tf * keptIdf[k];
      if (w !== 0) entries.push([k, w]);
    }
    entries.sort((a, b) => a[0] - b[0]);
    blockNorm2.fill(0);
    for (const [k, w] of entries) blockNorm2[keptField[k]] += w * w;
    let total2 = 0;
    const scaled = entries.map(([k, w]): [number, number] => {
      const fi = keptField[k];
      const v = (fieldAlpha[fi] * w) / Math.sqrt(blockNorm2[fi]);
      total2 += v * v;
      return [k, v];
    });
    const norm = Math.sqrt(total2);
    for (const [k, v] of scaled) {
      if (v === 0) continue;
      idxOut.push(k);
      valOut.push(v / norm);
    }
    indptr[d + 1] = idxOut.length;
  }
  return {
    itemIds: Int32Array.from(docs.map((d) => d.itemId)),
    vectors: {
      nRows: nDocs,
      nCols: keptNames.length,
      indptr,
      indices: Int32Array.from(idxOut),
      values: Float32Array.from(valOut),
    },
    features: keptNames,
    featureField: Int32Array.from(keptField),
    fields,
    idf: Float32Array.from(keptIdf),
  };
}

/** Feature id by name (linear scan cached per index). */
const featureMaps = new WeakMap<ContentIndex, Map<string, number>>();
export function featureIndex(index: ContentIndex, name: string): number | undefined {
  let m = featureMaps.get(index);
  if (m === undefined) {
    m = new Map(index.features.map((f, i) => [f, i]));
    featureMaps.set(index, m);
  }
  return m.get(name);
}

/** Cosine of two rows of L2-normalised CSR matrices (merge of sorted indices). O(nnz_a + nnz_b). */
export function rowDot(a: Csr, ra: number, b: Csr, rb: number): number {
  let p = a.indptr[ra];
  const pe = a.indptr[ra + 1];
  let q = b.indptr[rb];
  const qe = b.indptr[rb + 1];
  let s = 0;
  while (p < pe && q < qe) {
    const ia = a.indices[p];
    const ib = b.indices[q];
    if (ia === ib) {
      s += a.values[p++] * b.values[q++];
    } else if (ia < ib) p++;
    else q++;
  }
  return s;
}

/**
 * out[r] = vectors[r] · dense for every row. O(nnz).
 * @param dense length nCols.
 * @param out length nRows.
 */
export function multiplyDense(vectors: Csr, dense: Float32Array | Float64Array, out: Float32Array): void {
  if (dense.length !== vectors.nCols) throw new ShapeError(`dense length ${dense.length} ≠ nCols ${vectors.nCols}`);
  if (out.length !== vectors.nRows) throw new ShapeError(`out length ${out.length} ≠ nRows ${vectors.nRows}`);
  const { indptr, indices, values } = vectors;
  for (let r = 0; r < vectors.nRows; r++) {
    let s = 0;
    for (let p = indptr[r]; p < indptr[r + 1]; p++) s += values[p] * dense[indices[p]];
    out[r] = s;
  }
}

// ---------------------------------------------------------------------------------------------
// The content model over a RatingMatrix.

/** The content model's config with its defaults; {@link fitContentTfidf} takes the parsed (output) type. */
export const ContentTfidfConfigSchema = ContentIndexConfigSchema.extend({
  /** Item content. Either raw documents (vectorised at fit) or a prebuilt index (used as is). */
  docs: z.custom<readonly ContentDoc[]>(() => true).default(() => []),
  index: z.custom<ContentIndex>(() => true).optional(),
  /**
   * β of the shrunk user mean μ'_u = (Σ r + β·μ) / (n + β) the ratings are centred on. With β > 0 a
   * single 5-star rating still gives a positive profile (a plain user mean would cancel it).
   */
  meanShrinkage: z.number().min(0).default(2),
  /** λ of the rating predictor's denominator Σ|sim| + λ (damps predictions from weak similarities). */
  predictShrinkage: z.number().min(0).default(1),
  /** Only the k most similar rated items enter a rating prediction. */
  predictNeighbours: z.number().int().min(1).default(40),
});
export type ContentTfidfConfig = z.output<typeof ContentTfidfConfigSchema>;
export type ContentTfidfConfigInput = z.input<typeof ContentTfidfConfigSchema>;

export interface ContentTfidfModel {
  readonly index: ContentIndex;
  /** nItems × nFeatures: the index row of each data item (empty row when the item has no content). */
  readonly itemVectors: Csr;
  /** data itemIdx → index row, −1 when the item has no document. */
  readonly itemRow: Int32Array;
  /** Shrunk user means μ'_u. Length nUsers. */
  readonly userMean: Float32Array;
  readonly globalMean: number;
  readonly predictShrinkage: number;
  readonly predictNeighbours: number;
}

/**
 * Fits the content model: vectorises the documents (unless an index is given) and aligns them to
 * the rating matrix's item vocabulary. Items without a document get an empty vector (score 0).
 * O(catalogue tokens + nnz(ratings)).
 */
export function fitContentTfidf(data: RatingMatrix, config: ContentTfidfConfig): ContentTfidfModel {
  const index = config.index ?? buildContentIndex(config.docs, config);
  const rowById = new Map<number, number>();
  for (let r = 0; r < index.itemIds.length; r++) rowById.set(index.itemIds[r], r);
  const nItems = data.items.size;
  const itemRow = new Int32Array(nItems).fill(-1);
  const indptr = new Int32Array(nItems + 1);
  let nnz = 0;
  for (let i = 0; i < nItems; i++) {
    const r = rowById.get(data.items.ids[i]);
    if (r !== undefined) {
      itemRow[i] = r;
      nnz += index.vectors.indptr[r + 1] - index.vectors.indptr[r];
    }
    indptr[i + 1] = nnz;
  }
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  for (let i = 0; i < nItems; i++) {
    const r = itemRow[i];
    if (r < 0) continue;
    const a = index.vectors.indptr[r];
    const len = index.vectors.indptr[r + 1] - a;
    indices.set(index.vectors.indices.subarray(a, a + len), indptr[i]);
    values.set(index.vectors.values.subarray(a, a + len), indptr[i]);
  }
  const beta = config.meanShrinkage;
  const { byUser } = data;
  const userMean = new Float32Array(byUser.nRows);
  for (let u = 0; u < byUser.nRows; u++) {
    let s = 0;
    for (let p = byUser.indptr[u]; p < byUser.indptr[u + 1]; p++) s += byUser.values[p];
    const n = byUser.indptr[u + 1] - byUser.indptr[u];
    userMean[u] = (s + beta * data.globalMean) / (n + beta);
  }
  return {
    index,
    itemVectors: { nRows: nItems, nCols: index.vectors.nCols, indptr, indices, values },
    itemRow,
    userMean,
    globalMean: data.globalMean,
    predictShrinkage: config.predictShrinkage,
    predictNeighbours: config.predictNeighbours,
  };
}

/**
 * User profile p = Σ_j (r_uj − μ'_u) · v_j over the user's ratings (Rocchio-style; disliked items
 * have negative weight and push the profile away). When every weight is 0 (all ratings equal the
 * shrunk mean) the uncentred Σ v_j is used so a user with ratings always has a direction.
 * Returns a dense Float32Array of length nFeatures (not normalised). O(Σ nnz of the rated items).
 */
export function userProfile(
  model: ContentTfidfModel,
  itemIdx: ArrayLike<number>,
  ratings: ArrayLike<number>,
  mean: number,
): Float32Array {
  const { itemVectors: X } = model;
  const p = new Float32Array(X.nCols);
  let anyWeight = false;
  for (let t = 0; t < itemIdx.length; t++) {
    const i = itemIdx[t];
    const w = ratings[t] - mean;
    if (w === 0) continue;
    anyWeight = true;
    for (let q = X.indptr[i]; q < X.indptr[i + 1]; q++) p[X.indices[q]] += w * X.values[q];
  }
  if (!anyWeight) {
    for (let t = 0; t < itemIdx.length; t++) {
      const i = itemIdx[t];
      for (let q = X.indptr[i]; q < X.indptr[i + 1]; q++) p[X.indices[q]] += X.values[q];
    }
  }
  return p;
}

/** The profile of a known user from its train row. */
export function trainUserProfile(model: ContentTfidfModel, data: RatingMatrix, userIdx: number): Float32Array {
  const { byUser } = data;
  const a = byUser.indptr[userIdx];
  const b = byUser.indptr[userIdx + 1];
  return userProfile(model, byUser.indices.subarray(a, b), byUser.values.subarray(a, b), model.userMean[userIdx]);
}

/**
 * Profile from explicitly chosen features (onboarding: "I like Drama and Crime" →
 * ['g:drama', 'g:crime']); unknown names are ignored. Each chosen feature gets weight 1.
 */
export function profileFromFeatures(index: ContentIndex, names: readonly string[]): Float32Array {
  const p = new Float32Array(index.vectors.nCols);
  for (const n of names) {
    const f = featureIndex(index, n);
    if (f !== undefined) p[f] += 1;
  }
  return p;
}

/**
 * Cosine scores of every item against a profile: out[i] = v_i · p / ‖p‖ (v_i unit length), in
 * [−1, 1]; 0 for a zero profile or an item without content. O(nnz(itemVectors)).
 */
export function scoreProfile(vectors: Csr, profile: Float32Array, out: Float32Array): void {
  multiplyDense(vectors, profile, out);
  let n2 = 0;
  for (let f = 0; f < profile.length; f++) n2 += profile[f] * profile[f];
  if (n2 === 0) return;
  const inv = 1 / Math.sqrt(n2);
  for (let i = 0; i < out.length; i++) out[i] *= inv;
}

/**
 * Content similarity of every item to a set of items (a member's watches and likes, issue #23): out = X·p / ‖p‖ with
 * p = Σ_j c_j·x_j, the confidence-weighted sum of their unit vectors (Rocchio with positive weights only). Items
 * outside `vectors` are skipped; all zeros when no item has content. O(Σ_j nnz(x_j) + nnz(X)).
 */
export function scoreItemSet(
  vectors: Pick<Csr, 'nCols' | 'indptr' | 'indices' | 'values'>,
  items: ArrayLike<number>,
  confidence: ArrayLike<number>,
  out: Float32Array,
): void {
  const p = new Float32Array(vectors.nCols);
  const nRows = vectors.indptr.length - 1;
  for (let t = 0; t < items.length; t++) {
    const j = items[t];
    const c = confidence[t];
    if (j < 0 || j >= nRows || !(c > 0)) continue;
    for (let q = vectors.indptr[j]; q < vectors.indptr[j + 1]; q++) p[vectors.indices[q]] += c * vectors.values[q];
  }
  const X: Csr = {
    nRows,
    nCols: vectors.nCols,
    indptr: vectors.indptr,
    indices: vectors.indices,
    values: vectors.values,
  };
  if (out.length === nRows) scoreProfile(X, p, out);
  else {
    // A model whose item vectors stop short of the catalogue (no content rows at the end): those items score 0.
    const head = new Float32Array(nRows);
    scoreProfile(X, p, head);
    out.fill(0);
    out.set(head.subarray(0, Math.min(nRows, out.length)));
  }
}

/**
 * "More like this": the k items most similar (cosine) to `itemIdx`, excluding itself.
 * O(nnz(itemVectors) + nItems log k).
 */
export function similarItems(model: ContentTfidfModel, itemIdx: number, k: number): ScoredItem[] {
  const X = model.itemVectors;
  const dense = new Float32Array(X.nCols);
  for (let q = X.indptr[itemIdx]; q < X.indptr[itemIdx + 1]; q++) dense[X.indices[q]] = X.values[q];
  const scores = new Float32Array(X.nRows);
  multiplyDense(X, dense, scores);
  return topKIndices(scores, k, (i) => i === itemIdx || scores[i] <= 0);
}

/**
 * Content-kNN rating prediction (the item-kNN formula with content cosine as similarity):
 *   r̂_ui = μ'_u + Σ_{j ∈ N_k(i; u)} s_ij (r_uj − μ'_u) / (Σ |s_ij| + λ),
 * clipped to the scale. Unknown users get the global mean, unknown items the user's mean.
 * O(nnz of the user's items + |I_u| log k).
 */
export function predictContent(model: ContentTfidfModel, data: RatingMatrix, userIdx: number, itemIdx: number): number {
  const [lo, hi] = data.scale;
  const clip = (x: number) => (x < lo ? lo : x > hi ? hi : x);
  if (userIdx < 0 || userIdx >= data.byUser.nRows) return clip(model.globalMean);
  const mu = model.userMean[userIdx];
  if (itemIdx < 0 || itemIdx >= data.items.size) return clip(mu);
  const { byUser } = data;
  const a = byUser.indptr[userIdx];
  const b = byUser.indptr[userIdx + 1];
  const X = model.itemVectors;
  const sims = new Float32Array(b - a);
  for (let p = a; p < b; p++)
    sims[p - a] = byUser.indices[p] === itemIdx ? 0 : rowDot(X, itemIdx, X, byUser.indices[p]);
  const top = topKIndices(sims, model.predictNeighbours, (t) => sims[t] <= 0);
  let num = 0;
  let den = model.predictShrinkage;
  for (const { itemIdx: t, score } of top) {
    num += score * (byUser.values[a + t] - mu);
    den += score;
  }
  return clip(mu + num / den);
}

/** Writes the content score of every item for a user (cosine to the profile; 0 for unknown users). */
export function scoreContentUser(
  model: ContentTfidfModel,
  data: RatingMatrix,
  userIdx: number,
  out: Float32Array,
): void {
  if (out.length !== model.itemVectors.nRows)
    throw new ShapeError(`out length ${out.length} ≠ nItems ${model.itemVectors.nRows}`);
  if (userIdx < 0 || userIdx >= data.byUser.nRows) {
    out.fill(0);
    return;
  }
  scoreProfile(model.itemVectors, trainUserProfile(model, data, userIdx), out);
}

/** Top-k from a score array, excluding the user's train items, `opts.exclude` and non-candidates. */
export function recommendFromScores(
  scores: Float32Array,
  data: RatingMatrix,
  userIdx: number,
  k: number,
  opts?: RecommendOptions,
): ScoredItem[] {
  const banned = new Uint8Array(scores.length);
  if (userIdx >= 0 && userIdx < data.byUser.nRows) {
    for (let p = data.byUser.indptr[userIdx]; p < data.byUser.indptr[userIdx + 1]; p++)
      banned[data.byUser.indices[p]] = 1;
  }
  banImplicit(banned, data, userIdx);
  if (opts?.exclude) for (const i of opts.exclude) if (i >= 0 && i < banned.length) banned[i] = 1;
  if (opts?.candidates) {
    const allowed = new Uint8Array(scores.length);
    for (const i of opts.candidates) allowed[i] = 1;
    for (let i = 0; i < banned.length; i++) if (!allowed[i]) banned[i] = 1;
  }
  return topKIndices(scores, k, (i) => banned[i] === 1);
}

/** {@link Recommender} adapter for the content model. */
export const contentTfidfRecommender: Recommender<ContentTfidfConfigInput, ContentTfidfModel> = {
  name: 'content',
  fit: (data, config) => fitContentTfidf(data, ContentTfidfConfigSchema.parse(config)),
  predict: predictContent,
  scoreItems: scoreContentUser,
  recommend(model, data, userIdx, k, opts) {
    const scores = new Float32Array(data.items.size);
    scoreContentUser(model, data, userIdx, scores);
    return recommendFromScores(scores, data, userIdx, k, opts);
  },
};

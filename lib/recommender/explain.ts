/**
 * Explanations derived from the hybrid's actual score decomposition.
 *
 * The hybrid score is linear in its features (Σ_f w_f·x_f), so the source group with the largest
 * contribution is known exactly. Inside that group the score is decomposed further:
 * - item-kNN ('sum' scoring, Deshpande & Karypis 2004): score_i = Σ_{j ∈ I_u} s_ij over the j that
 *   are among i's top-k neighbours, so rated movie j contributes s_ij;
 * - EASE (Steck 2019): score_i = Σ_{j ∈ I_u} B_ji, so j contributes B_ji;
 * - content: cos(p, v_i) = Σ_j w_uj (v_j·v_i) / ‖p‖ = Σ_f p_f v_if / ‖p‖, so a rated movie j
 *   contributes w_uj (v_j·v_i)/‖p‖ and a feature f contributes p_f v_if/‖p‖.
 * The named reason is the largest term of that decomposition (Herlocker, Konstan & Riedl 2000,
 * "Explaining collaborative filtering recommendations": neighbour-based explanations work best).
 */
import { rowDot, trainUserProfile } from './algorithms/content-tfidf';
import { createHybridScratch, hybridFeatureColumns, weightsFor, type HybridScratch } from './hybrid/score';
import { type FittedBase, type HybridModel, type Source } from './hybrid/types';
import type { EaseModel } from './algorithms/ease';
import type { Rp3betaModel } from './algorithms/rp3beta';
import { getValue } from './core/sparse';
import type { Csr, RatingMatrix } from './core/types';

export type ExplanationKind = 'liked-movie' | 'rated-movie' | 'shared-feature' | 'popular-with-similar' | 'popular';

/**
 * Why an item was recommended. The app renders it:
 * - 'liked-movie': "Because you liked <movieIdx>" (rated at or above the user's mean);
 * - 'rated-movie': "Because you watched <movieIdx>" (the top contributor was rated below the
 *   user's mean: similarity-sum scores count every rated movie, and we do not pretend otherwise);
 * - 'shared-feature': feature like 'd:michael mann' → "Directed by Michael Mann" ('c:' actor,
 *   'k:' keyword, 'g:' genre, 't:' tag);
 * - 'popular-with-similar': popular among people with similar taste (a collaborative score that
 *   has no per-movie decomposition, e.g. matrix factorisation);
 * - 'popular': popular overall (cold start).
 * `weight` is the contribution of the named reason to the item's score (same units as the
 * decomposed component).
 */
export interface Explanation {
  kind: ExplanationKind;
  source: Source;
  movieIdx?: number;
  feature?: string;
  weight: number;
}

/** Fields whose shared features make a readable reason. */
const FEATURE_FIELDS = new Set(['d', 'c', 'k', 'g', 't']);

/**
 * Per-rated-movie contributions of a collaborative base to item i's raw score, aligned with the
 * user's train row (positions indptr[u] … indptr[u+1]); null when the base has no per-movie
 * decomposition. O(|I_u| log k).
 */
export function collaborativeContributions(base: FittedBase, data: RatingMatrix, userIdx: number, itemIdx: number): Float64Array | null {
  const m = base.model as { kind?: string } | null;
  if (m === null || typeof m !== 'object') return null;
  const a = data.byUser.indptr[userIdx];
  const b = data.byUser.indptr[userIdx + 1];
  const out = new Float64Array(b - a);
  if (m.kind === 'item-knn') {
    const knn = m as { rankScore: string; reverseNeighbors: Csr };
    if (knn.rankScore !== 'sum') return null;
    for (let p = a; p < b; p++) out[p - a] = getValue(knn.reverseNeighbors, data.byUser.indices[p], itemIdx) ?? 0;
    return out;
  }
  if (m.kind === 'rp3beta') {
    // score_i = Σ_{j ∈ I_u, r_uj ≥ threshold} W(j → i) (rp3beta.ts).
    const rp3 = m as unknown as Rp3betaModel;
    for (let p = a; p < b; p++) if (data.byUser.values[p] >= rp3.threshold) out[p - a] = getValue(rp3.reverseNeighbors, data.byUser.indices[p], itemIdx) ?? 0;
    return out;
  }
  if (m.kind === 'ease') {
    // score_i = Σ_{j ∈ I_u, r_uj ≥ threshold} B_ji over the modelled items (ease.ts).
    const ease = m as unknown as EaseModel;
    const ci = ease.position[itemIdx];
    if (ci < 0) return out;
    for (let p = a; p < b; p++) {
      const rj = ease.position[data.byUser.indices[p]];
      if (rj >= 0 && data.byUser.values[p] >= ease.threshold) out[p - a] = ease.weights[rj * ease.n + ci];
    }
    return out;
  }
  return null;
}

/** Content decomposition of item i for a user: per rated movie (aligned with the train row) and per feature. */
export function contentContributions(
  model: HybridModel,
  data: RatingMatrix,
  userIdx: number,
  itemIdx: number,
): { byMovie: Float64Array; byFeature: Map<number, number> } | null {
  const content = model.content;
  if (!content || userIdx < 0) return null;
  const X = content.itemVectors;
  const p = trainUserProfile(content, data, userIdx);
  let n2 = 0;
  for (let f = 0; f < p.length; f++) n2 += p[f] * p[f];
  if (n2 === 0) return null;
  const inv = 1 / Math.sqrt(n2);
  const a = data.byUser.indptr[userIdx];
  const b = data.byUser.indptr[userIdx + 1];
  const mu = content.userMean[userIdx];
  const byMovie = new Float64Array(b - a);
  let anyWeight = false;
  for (let q = a; q < b; q++) if (data.byUser.values[q] - mu !== 0) anyWeight = true;
  for (let q = a; q < b; q++) {
    const w = anyWeight ? data.byUser.values[q] - mu : 1;
    byMovie[q - a] = w * rowDot(X, data.byUser.indices[q], X, itemIdx) * inv;
  }
  const byFeature = new Map<number, number>();
  for (let q = X.indptr[itemIdx]; q < X.indptr[itemIdx + 1]; q++) {
    const f = X.indices[q];
    byFeature.set(f, p[f] * X.values[q] * inv);
  }
  return { byMovie, byFeature };
}

/** 'liked-movie' when the rating at row position p is at least the user's mean rating. */
function likedOrRated(data: RatingMatrix, userIdx: number, p: number): 'liked-movie' | 'rated-movie' {
  const a = data.byUser.indptr[userIdx];
  const b = data.byUser.indptr[userIdx + 1];
  let s = 0;
  for (let q = a; q < b; q++) s += data.byUser.values[q];
  return data.byUser.values[p] >= s / (b - a) ? 'liked-movie' : 'rated-movie';
}

function argmax(values: ArrayLike<number>): number {
  let best = -1;
  let bestV = 0;
  for (let t = 0; t < values.length; t++) {
    if (values[t] > bestV) {
      bestV = values[t];
      best = t;
    }
  }
  return best;
}

/**
 * Explains why `itemIdx` scores high for `userIdx` in the hybrid. Pass the scratch filled by the
 * scoring call to avoid recomputing the feature columns. O(feature columns + |I_u| log k).
 */
export function explainHybrid(model: HybridModel, data: RatingMatrix, userIdx: number, itemIdx: number, scratch?: HybridScratch): Explanation {
  let s = scratch;
  if (!s) {
    s = createHybridScratch(model, data.items.size);
    hybridFeatureColumns(model, data, userIdx, s);
  }
  const w = weightsFor(model, userIdx);
  const group: Record<Source, number> = { collaborative: 0, content: 0, popular: 0 };
  let bestCollab = -1;
  let bestCollabV = -Infinity;
  for (let f = 0; f < w.length; f++) {
    const c = w[f] * s.cols[f][itemIdx];
    group[model.rankFeatureGroup[f]] += c;
    if (f < model.rankingBases.length && model.rankFeatureGroup[f] === 'collaborative' && c > bestCollabV) {
      bestCollabV = c;
      bestCollab = f;
    }
  }
  let top: Source = 'popular';
  for (const g of ['collaborative', 'content'] as const) if (group[g] > group[top]) top = g;
  const hasRatings = userIdx >= 0 && data.byUser.indptr[userIdx + 1] > data.byUser.indptr[userIdx];
  if (!hasRatings || top === 'popular') return { kind: 'popular', source: 'popular', weight: group.popular };

  const a = data.byUser.indptr[userIdx];
  if (top === 'collaborative') {
    // The dominant collaborative base first, then any other decomposable one.
    const order = [bestCollab, ...model.rankingBases.map((_, f) => f).filter((f) => f !== bestCollab)];
    for (const f of order) {
      if (f < 0 || model.rankFeatureGroup[f] !== 'collaborative') continue;
      const contrib = collaborativeContributions(model.rankingBases[f], data, userIdx, itemIdx);
      if (!contrib) continue;
      const t = argmax(contrib);
      if (t >= 0) {
        return { kind: likedOrRated(data, userIdx, a + t), source: 'collaborative', movieIdx: data.byUser.indices[a + t], weight: contrib[t] };
      }
    }
    return { kind: 'popular-with-similar', source: 'collaborative', weight: group.collaborative };
  }
  const cc = contentContributions(model, data, userIdx, itemIdx);
  if (!cc) return { kind: 'popular', source: 'popular', weight: group.popular };
  const t = argmax(cc.byMovie);
  let bestF = -1;
  let bestFV = 0;
  for (const [f, v] of cc.byFeature) {
    const field = model.content!.index.features[f].split(':', 1)[0];
    if (FEATURE_FIELDS.has(field) && v > bestFV) {
      bestFV = v;
      bestF = f;
    }
  }
  if (bestF >= 0 && (t < 0 || bestFV >= cc.byMovie[t])) {
    return { kind: 'shared-feature', source: 'content', feature: model.content!.index.features[bestF], weight: bestFV };
  }
  if (t >= 0) return { kind: 'liked-movie', source: 'content', movieIdx: data.byUser.indices[a + t], weight: cc.byMovie[t] };
  return { kind: 'popular', source: 'popular', weight: group.popular };
}

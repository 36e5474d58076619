/**
 * Request-time scoring: the ranking blend Σ_f w_f·z_f over the standardised feature columns of one user, with the
 * weights of the user's activity bucket. O(nItems·F) per request plus the bases' own costs (base-scores.ts).
 */
import { scoreItemSet } from '../algorithms/content-tfidf';
import { ModelFitError, ShapeError } from '../core/types';
import { SENTINEL_SCORE, standardize, standardizeStats, timeWindowColumns } from '../hybrid/features';
import { contentScores, easeScores, knnScores, recentRatings } from './base-scores';
import { foldInAls, interactionHistory } from './fold-in';
import type { ServingModel, UserRatings } from './model';

/** Reusable per-request buffers (one per worker; never shared by concurrent requests). */
export interface ServingScratch {
  cols: Float32Array[];
  mask: Uint8Array;
  acc: Float64Array;
  /** Dense content profile (all zero between requests) and the features it touched. */
  profile: Float32Array;
  touched: Int32Array;
  /** The last user's ALS vector (explanations). */
  alsX: Float32Array;
}

export function createServingScratch(model: ServingModel): ServingScratch {
  const n = model.itemIds.length;
  return {
    cols: model.rankFeatures.map(() => new Float32Array(n)),
    mask: new Uint8Array(n),
    acc: new Float64Array(n),
    profile: new Float32Array(model.contentVectors.nCols),
    touched: new Int32Array(model.contentVectors.nCols),
    alsX: new Float32Array(model.k),
  };
}

/** The ranking weights for a user with `nRatings` current ratings: anonymous (0), cold (≤ threshold) or warm. */
export function weightsFor(model: ServingModel, nRatings: number): Float32Array {
  const pick =
    nRatings === 0
      ? model.anon.length
        ? model.anon
        : model.cold
      : nRatings <= model.coldUserThreshold
        ? model.cold
        : model.warm;
  const w = pick.length ? pick : model.warm.length ? model.warm : model.cold;
  if (!w.length) throw new ModelFitError('serving: no ranking blend was learned');
  return w;
}

/**
 * Fills `s.cols` with the hybrid's ranking features for a user's current ratings (same definitions and order as
 * hybrid.ts's feature columns; standardised over the items the user has not rated). `profileScores` replaces the
 * content column (e.g. a chosen-genres profile). With weights `w`, a column whose weight is 0 is left all zero
 * (its cost skipped); with `out` too, out = Σ_f w_f·cols_f is accumulated as each column is finished (features in
 * order, the same float32 sums as a separate blend pass, without re-reading the columns).
 */
export function servingFeatureColumns(
  model: ServingModel,
  user: UserRatings,
  s: ServingScratch,
  profileScores?: Float32Array,
  w?: Float32Array,
  out?: Float32Array,
): void {
  const n = model.itemIds.length;
  const { cols, mask } = s;
  mask.fill(0);
  for (let t = 0; t < user.itemIdx.length; t++) mask[user.itemIdx[t]] = 1;
  const has = user.itemIdx.length > 0;
  // The implicit bases read ratings plus watches, likes and watchlist adds; those movies are masked like rated ones.
  const history = interactionHistory(user, model.scale);
  for (let t = user.itemIdx.length; t < history.itemIdx.length; t++) mask[history.itemIdx[t]] = 1;
  const nb = model.rankBaseKinds.length;
  const acc = out ?? null;
  acc?.fill(0);
  const weight = (f: number) => (w ? w[f] : 1);
  // Adds w_f·cols_f to `out` (columns that were standardised in place are added by standardizeBlend instead).
  const add = (f: number) => {
    if (acc && weight(f) !== 0) addScaled(acc, w![f], cols[f]);
  };
  for (let b = 0; b < nb; b++) {
    const kind = model.rankBaseKinds[b];
    const col = cols[b];
    // A base the user's blend gives weight 0 cannot change the score: skip its (fold-in) cost.
    if (weight(b) === 0) {
      col.fill(0);
      continue;
    }
    const implicitBase = kind === 'ease' || kind === 'rp3beta' || kind === 'implicit-als';
    if (kind === 'popularity') col.set(model.popScore);
    else if (implicitBase ? history.itemIdx.length === 0 : !has) {
      col.fill(0);
      continue;
    } else if (kind === 'ease') easeScores(model, history.itemIdx, history.values, col, history.confidence);
    else if (kind === 'item-knn' || kind === 'rp3beta')
      knnScores(model, kind === 'rp3beta' ? history : user, s.acc, col);
    else if (kind === 'implicit-als') {
      const x = foldInAls(model, history);
      s.alsX.set(x);
      const k = model.k;
      const Y = model.itemFactors;
      for (let i = 0; i < n; i++) {
        let v = 0;
        const o = i * k;
        for (let f = 0; f < k; f++) v += x[f] * Y[o + f];
        col[i] = v;
      }
    }
    standardizeBlend(col, mask, weight(b), acc);
  }
  const cCol = cols[nb];
  if (profileScores) cCol.set(profileScores);
  else if (has && model.contentVectors.nCols > 0) contentScores(model, user, s, cCol);
  else cCol.fill(0);
  standardizeBlend(cCol, mask, weight(nb), acc);
  cols[nb + 1].set(model.popZ);
  add(nb + 1);
  const coldCol = cols[nb + 2];
  coldCol.set(coldItemColumn(model));
  add(nb + 2);
  const coldX = cols[nb + 3];
  if (weight(nb + 3) === 0) coldX.fill(0);
  else {
    for (let i = 0; i < n; i++) coldX[i] = coldCol[i] * cCol[i];
    add(nb + 3);
  }
  const time = model.time;
  const before = cols[nb + 4];
  const after = cols[nb + 5];
  if (time) {
    let last = Number.NaN;
    if (user.times) for (let t = 0; t < user.times.length; t++) if (!(user.times[t] <= last)) last = user.times[t];
    timeWindowColumns(time, last, mask, before, after);
    add(nb + 4);
    add(nb + 5);
  } else {
    before.fill(0);
    after.fill(0);
  }
  cols[nb + 6].set(model.exposureZ);
  add(nb + 6);
  const recentCol = cols[nb + 7];
  const hasEase = model.rankBaseKinds.includes('ease');
  if (time && hasEase && has && user.times && weight(nb + 7) !== 0) {
    const r = recentRatings(user, time.recentCount);
    easeScores(model, r.items, r.values, recentCol);
    standardizeBlend(recentCol, mask, weight(nb + 7), acc);
  } else recentCol.fill(0);
  // The implicit-feedback column (hybrid/features.ts IMPLICIT_CONTENT_FEATURE), in models fitted with one.
  if (model.rankFeatures.length > nb + 8) {
    const col = cols[nb + 8];
    const imp = user.implicit;
    if (imp && imp.itemIdx.length > 0 && model.contentVectors.nCols > 0 && weight(nb + 8) !== 0) {
      scoreItemSet(model.contentVectors, imp.itemIdx, imp.values, col);
      standardizeBlend(col, mask, weight(nb + 8), acc);
    } else col.fill(0);
  }
}

/** 1 for items with at most `coldItemThreshold` training ratings (the 'coldItem' column), built once per model. */
const coldItemColumns = new WeakMap<ServingModel, Float32Array>();

function coldItemColumn(model: ServingModel): Float32Array {
  let c = coldItemColumns.get(model);
  if (!c) {
    const { itemCount, coldItemThreshold } = model;
    coldItemColumns.set(model, (c = Float32Array.from(itemCount, (x) => (x <= coldItemThreshold ? 1 : 0))));
  }
  return c;
}

/**
 * hybrid.ts's {@link standardize} of `col` (z-scores over the unmasked finite entries, masked → 0, sentinels → the
 * lowest z), and with `out` and wf ≠ 0, out[i] += wf·col[i] in the same write pass (the blend of that feature with
 * the same float32 roundings). A weight-0 column is only standardised when it will be read without weights.
 */
function standardizeBlend(col: Float32Array, mask: Uint8Array, wf: number, out: Float32Array | null): void {
  if (!out || wf === 0) {
    standardize(col, mask);
    return;
  }
  const { mean, inv, low } = standardizeStats(col, mask);
  const len = col.length;
  for (let i = 0; i < len; i++) {
    const v = col[i];
    const z = Math.fround(mask[i] ? 0 : !(v > SENTINEL_SCORE) || v === Infinity ? low : (v - mean) * inv);
    col[i] = z;
    out[i] += wf * z;
  }
}

/** out += w·col. */
function addScaled(out: Float32Array, w: number, col: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] += w * col[i];
}

/**
 * The hybrid's For You score of every item for the user's current ratings (higher is better); the feature columns
 * stay in `scratch` for {@link topContribution}. Rated items are not masked here (callers exclude them).
 */
export function scoreUser(
  model: ServingModel,
  user: UserRatings,
  out: Float32Array,
  scratch: ServingScratch = createServingScratch(model),
  profileScores?: Float32Array,
): void {
  if (out.length !== model.itemIds.length)
    throw new ShapeError(`score buffer ${out.length} ≠ ${model.itemIds.length} items`);
  const w = weightsFor(model, profileScores ? 0 : user.itemIdx.length);
  servingFeatureColumns(model, user, scratch, profileScores, w, out);
}

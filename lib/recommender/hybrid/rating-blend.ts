/**
 * The rating blend: ridge regression on the bases' rating predictions (stacked generalisation, Wolpert 1992; the
 * Netflix Prize blends, Töscher, Jahrer & Bell 2009) with cold-user/cold-item support terms, λ chosen on the
 * validation split.
 */
import { type ContentTfidfModel, predictContent } from '../algorithms/content-tfidf';
import { createRng } from '../core/rng';
import { solveSmallSpd } from '../core/linalg';
import { ModelFitError, type RatingMatrix } from '../core/types';
import type { FittedBase } from './types';

// ---------------------------------------------------------------------------------------------
// Rating blend: ridge regression.

export function ratingFeatureNames(bases: readonly FittedBase[], hasContent: boolean, support: boolean): string[] {
  const names = ['intercept', ...bases.map((b) => b.name)];
  if (hasContent) names.push('content');
  // Cold interactions: let thin users/items shift weight between the first base (a baseline) and content.
  names.push('coldUser×' + (bases[0]?.name ?? 'none'), 'coldItem×' + (bases[0]?.name ?? 'none'));
  if (hasContent) names.push('coldUser×content', 'coldItem×content');
  if (support) {
    const preds = [...bases.map((b) => b.name), ...(hasContent ? ['content'] : [])];
    for (const side of [USER_SUPPORT, ITEM_SUPPORT]) names.push(side, ...preds.map((p) => `${side}×${p}`));
  }
  return names;
}

/** Names of the support features of the rating blend (their presence in the feature list switches them on). */
export const USER_SUPPORT = 'userSupport';

export const ITEM_SUPPORT = 'itemSupport';

/** λ values the rating blend's cross-validation chooses from. */
export const RIDGE_LAMBDA_GRID: readonly number[] = [0.1, 1, 10, 100, 1000, 10000];

/** The support meta-feature of a user or item with n ratings: 1/√(1 + n) (1 for none, → 0 for many). */
export function supportOf(n: number): number {
  return 1 / Math.sqrt(1 + Math.max(0, n));
}

/**
 * Feature-weighted linear stacking (Sill et al. 2009) on support: writes m_u, m_u·p_1…m_u·p_P, m_i, m_i·p_1…m_i·p_P
 * from position k, where p_1…p_P = out[1…P] are the bases' predictions, so each base's weight can vary with how many
 * ratings the user and the item have. Returns the next position.
 */
export function writeSupportTerms(
  out: Float64Array,
  k: number,
  nPred: number,
  userRatings: number,
  itemRatings: number,
): number {
  for (const m of [supportOf(userRatings), supportOf(itemRatings)]) {
    out[k++] = m;
    for (let p = 1; p <= nPred; p++) out[k++] = m * out[p];
  }
  return k;
}

export function ratingFeatureRow(
  bases: readonly FittedBase[],
  content: ContentTfidfModel | null,
  data: RatingMatrix,
  userCount: Int32Array,
  itemCount: Int32Array,
  coldU: number,
  coldI: number,
  u: number,
  i: number,
  out: Float64Array,
): void {
  let k = 0;
  out[k++] = 1;
  for (const b of bases) out[k++] = b.recommender.predict(b.model, data, u, i);
  let c = 0;
  if (content) out[k++] = c = predictContent(content, data, u, i);
  const isColdU = u < 0 || userCount[u] <= coldU ? 1 : 0;
  const isColdI = i < 0 || itemCount[i] <= coldI ? 1 : 0;
  const b0 = bases.length > 0 ? out[1] : 0;
  out[k++] = isColdU * b0;
  out[k++] = isColdI * b0;
  if (content) {
    out[k++] = isColdU * c;
    out[k++] = isColdI * c;
  }
  if (k < out.length)
    writeSupportTerms(out, k, bases.length + (content ? 1 : 0), u < 0 ? 0 : userCount[u], i < 0 ? 0 : itemCount[i]);
}

/**
 * The rating blend's cold interaction columns (coldUser×…, coldItem×…) that too few distinct cold users (items) among
 * the held-out rows would fit: with fewer than `minDistinct`, a column's weight would be learned from a handful of
 * people — in the app, the demo accounts — and shift every new member's predictions (it did: −1.5 stars). Those
 * columns are set to 0, so their weights are 0. Returns their positions.
 */
export function thinColdTerms(
  names: readonly string[],
  heldRows: readonly number[],
  split: { heldUsers: Int32Array | readonly number[]; heldItems: Int32Array | readonly number[] },
  c: { userCount: Int32Array; itemCount: Int32Array },
  coldU: number,
  coldI: number,
  minDistinct: number,
): number[] {
  const users = new Set<number>();
  const items = new Set<number>();
  for (const t of heldRows) {
    const u = split.heldUsers[t];
    const i = split.heldItems[t];
    if (u < 0 || c.userCount[u] <= coldU) users.add(u);
    if (i < 0 || c.itemCount[i] <= coldI) items.add(i);
  }
  const out: number[] = [];
  names.forEach((nm, f) => {
    if (
      (nm.startsWith('coldUser×') && users.size < minDistinct) ||
      (nm.startsWith('coldItem×') && items.size < minDistinct)
    )
      out.push(f);
  });
  return out;
}

/** Solves (XᵀX + λI′) w = Xᵀy with the intercept unpenalised (Cholesky). F is small. */
function ridge(xtx: Float64Array, xty: Float64Array, F: number, lambda: number): Float32Array {
  const a = xtx.slice();
  for (let f = 1; f < F; f++) a[f * F + f] += lambda;
  a[0] += 1e-9;
  const w = solveSmallSpd(a, F, xty);
  if (typeof w === 'number') throw new ModelFitError(`rating blend: normal equations not positive definite at ${w}`);
  return Float32Array.from(w);
}

/** Ridge on the columns with mask[f] = 1 (column 0, the intercept, always kept); the other weights are 0. */
export function ridgeMasked(
  xtx: Float64Array,
  xty: Float64Array,
  F: number,
  lambda: number,
  mask: Uint8Array,
): Float32Array {
  const cols: number[] = [];
  for (let f = 0; f < F; f++) if (f === 0 || mask[f]) cols.push(f);
  const G = cols.length;
  const a = new Float64Array(G * G);
  const b = new Float64Array(G);
  for (let x = 0; x < G; x++) {
    b[x] = xty[cols[x]];
    for (let y = 0; y < G; y++) a[x * G + y] = xtx[cols[x] * F + cols[y]];
  }
  const w = ridge(a, b, G, lambda);
  const out = new Float32Array(F);
  cols.forEach((f, x) => (out[f] = w[x]));
  return out;
}

/**
 * Chooses the rating blend's ridge λ and whether to use the support terms by 5-fold cross-validation on the held-out
 * validation rows, folds grouped by user (a user's rows are all in one fold): the setting with the lowest CV RMSE of
 * the clipped prediction. A fixed `lambda` only leaves the feature set to choose. Never sees test rows.
 */
export function chooseRatingBlend(
  rows: Float32Array,
  y: Float32Array,
  users: Int32Array,
  names: readonly string[],
  scale: readonly [number, number],
  lambda: number | undefined,
  seed: number,
): { lambda: number; support: boolean; mask: Uint8Array; table: string } {
  const F = names.length;
  const n = y.length;
  const nFolds = 5;
  const fold = new Uint8Array(n);
  const rng = createRng(seed + 7);
  const foldOf = new Map<number, number>();
  for (let t = 0; t < n; t++) {
    let f = foldOf.get(users[t]);
    if (f === undefined) foldOf.set(users[t], (f = rng.int(nFolds)));
    fold[t] = f;
  }
  const xtx = Array.from({ length: nFolds }, () => new Float64Array(F * F));
  const xty = Array.from({ length: nFolds }, () => new Float64Array(F));
  for (let t = 0; t < n; t++) {
    const A = xtx[fold[t]];
    const b = xty[fold[t]];
    for (let p = 0; p < F; p++) {
      const xp = rows[t * F + p];
      b[p] += xp * y[t];
      for (let q = 0; q < F; q++) A[p * F + q] += xp * rows[t * F + q];
    }
  }
  const full = new Uint8Array(F).fill(1);
  const plain = Uint8Array.from(names, (nm) => (nm.startsWith(USER_SUPPORT) || nm.startsWith(ITEM_SUPPORT) ? 0 : 1));
  const masks = plain.every((v) => v === 1)
    ? [{ support: false, mask: full }]
    : [
        { support: false, mask: plain },
        { support: true, mask: full },
      ];
  const lambdas = lambda === undefined ? RIDGE_LAMBDA_GRID : [lambda];
  let best = { lambda: lambdas[0], support: false, mask: masks[0].mask, rmse: Infinity };
  const cells: string[] = [];
  if (n < nFolds * 10) return { ...best, table: 'too few rows' };
  for (const { support, mask } of masks) {
    for (const lam of lambdas) {
      let se = 0;
      for (let k = 0; k < nFolds; k++) {
        const A = new Float64Array(F * F);
        const b = new Float64Array(F);
        for (let o = 0; o < nFolds; o++) {
          if (o === k) continue;
          for (let p = 0; p < F * F; p++) A[p] += xtx[o][p];
          for (let p = 0; p < F; p++) b[p] += xty[o][p];
        }
        const w = ridgeMasked(A, b, F, lam, mask);
        for (let t = 0; t < n; t++) {
          if (fold[t] !== k) continue;
          let v = 0;
          for (let f = 0; f < F; f++) v += w[f] * rows[t * F + f];
          v = Math.min(scale[1], Math.max(scale[0], v));
          se += (v - y[t]) ** 2;
        }
      }
      const rmse = Math.sqrt(se / n);
      cells.push(`${support ? '+support ' : ''}λ=${lam} ${rmse.toFixed(5)}`);
      if (rmse < best.rmse - 1e-12) best = { lambda: lam, support, mask, rmse };
    }
  }
  return { lambda: best.lambda, support: best.support, mask: best.mask, table: cells.join(', ') };
}

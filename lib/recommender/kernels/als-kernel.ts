/**
 * The per-row implicit-ALS solver, kept free of other engine imports so worker threads load it fast.
 */
import { choleskyInPlace, choleskySolveInPlace } from '../core/linalg';
import { type Csr, ModelFitError } from '../core/types';

// Four independent accumulators: V8 does not vectorise, and one accumulator is bound by the add
// latency (measured faster: docs/benchmarks/hybrid.md, figures from source comments). Monomorphic by design (one
// array type each).

/** Σ_f y[yo + f]·v[f] for f < k. */
function dotYV(y: Float32Array, yo: number, v: Float64Array, k: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let f = 0;
  for (; f + 3 < k; f += 4) {
    s0 += y[yo + f] * v[f];
    s1 += y[yo + f + 1] * v[f + 1];
    s2 += y[yo + f + 2] * v[f + 2];
    s3 += y[yo + f + 3] * v[f + 3];
  }
  for (; f < k; f++) s0 += y[yo + f] * v[f];
  return s0 + s1 + s2 + s3;
}

/** out[f] += w·y[yo + f] for f < k. */
function axpyY(w: number, y: Float32Array, yo: number, out: Float64Array, k: number): void {
  let f = 0;
  for (; f + 3 < k; f += 4) {
    out[f] += w * y[yo + f];
    out[f + 1] += w * y[yo + f + 1];
    out[f + 2] += w * y[yo + f + 2];
    out[f + 3] += w * y[yo + f + 3];
  }
  for (; f < k; f++) out[f] += w * y[yo + f];
}

/** out = G·v for the k × k row-major G. */
function gemv(G: Float64Array, v: Float64Array, out: Float64Array, k: number): void {
  for (let f = 0; f < k; f++) {
    const go = f * k;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let g = 0;
    for (; g + 3 < k; g += 4) {
      s0 += G[go + g] * v[g];
      s1 += G[go + g + 1] * v[g + 1];
      s2 += G[go + g + 2] * v[g + 2];
      s3 += G[go + g + 3] * v[g + 3];
    }
    for (; g < k; g++) s0 += G[go + g] * v[g];
    out[f] = s0 + s1 + s2 + s3;
  }
}

/**
 * Up to `cgSteps` conjugate-gradient steps on A·x = b from the current x, given the residual
 * r = b − A·x; `applyA` must write A·d into `Ad` (reading `d`). Stops early on a negligible residual
 * or a non-positive curvature. All four vectors are length ≥ k scratch, updated in place.
 */
export function runCg(
  x: Float64Array,
  r: Float64Array,
  d: Float64Array,
  Ad: Float64Array,
  k: number,
  cgSteps: number,
  applyA: () => void,
): void {
  let rr = 0;
  for (let f = 0; f < k; f++) {
    d[f] = r[f];
    rr += r[f] * r[f];
  }
  for (let step = 0; step < cgSteps; step++) {
    if (rr < 1e-20) break;
    applyA();
    let dAd = 0;
    for (let f = 0; f < k; f++) dAd += d[f] * Ad[f];
    if (!(dAd > 0)) break;
    const alpha = rr / dAd;
    let rrNew = 0;
    for (let f = 0; f < k; f++) {
      x[f] += alpha * d[f];
      r[f] -= alpha * Ad[f];
      rrNew += r[f] * r[f];
    }
    const beta = rrNew / rr;
    for (let f = 0; f < k; f++) d[f] = r[f] + beta * d[f];
    rr = rrNew;
  }
}

/** Multiply-adds of `cgSteps` warm-started CG steps on a row with n positives (Gram products dominate). */
export function cgCost(n: number, k: number, cgSteps: number): number {
  return (cgSteps + 1) * (k * k + 2 * n * k);
}

/** Multiply-adds of the exact Woodbury solve of a row with n positives (see {@link solveRows}). */
export function woodburyCost(n: number, k: number): number {
  return (n * n * k) / 2 + (n * n * n) / 6 + 3 * n * k;
}

/** {@link solveRows} in plain TypeScript (the Cholesky solver, and CG where WebAssembly SIMD is missing). */
export function solveRowsJs(
  X: Float32Array,
  Y: Float32Array,
  G: Float64Array,
  conf: Csr,
  k: number,
  start: number,
  end: number,
  solver: 'cg' | 'cholesky',
  cgSteps: number,
  Z: Float64Array | null = null,
  wbMax = -1,
): void {
  const { indptr, indices, values } = conf;
  const useWb = Z !== null && wbMax > 0;
  const M = useWb ? new Float64Array(wbMax * wbMax) : null;
  const sv = useWb ? new Float64Array(wbMax) : null;
  const x = new Float64Array(k);
  const r = new Float64Array(k);
  const d = new Float64Array(k);
  const Ad = new Float64Array(k);
  const A = solver === 'cholesky' ? new Float64Array(k * k) : null;
  for (let row = start; row < end; row++) {
    const a = indptr[row];
    const b = indptr[row + 1];
    const xo = row * k;
    if (b === a) {
      for (let f = 0; f < k; f++) X[xo + f] = 0;
      continue;
    }
    if (useWb && b - a === 1) {
      shermanMorrisonRow(X, xo, Y, Z!, indices[a], values[a], k);
      continue;
    }
    if (useWb && b - a <= wbMax) {
      woodburyRow(X, xo, Y, Z!, indices, values, a, b, k, M!, sv!, x);
      continue;
    }
    if (A) {
      // Exact: (G + Σ (c−1) y yᵀ) x = Σ c y.
      A.set(G);
      r.fill(0);
      for (let p = a; p < b; p++) {
        const yo = indices[p] * k;
        const cm1 = values[p];
        for (let f = 0; f < k; f++) {
          const yf = Y[yo + f];
          r[f] += (cm1 + 1) * yf;
          const s = cm1 * yf;
          const rowF = f * k;
          for (let g = 0; g <= f; g++) A[rowF + g] += s * Y[yo + g];
        }
      }
      if (!choleskyInPlace(A, k))
        throw new ModelFitError(`implicit-als: system of row ${row} is not positive definite; raise reg`);
      choleskySolveInPlace(A, k, r);
      for (let f = 0; f < k; f++) X[xo + f] = r[f];
      continue;
    }
    for (let f = 0; f < k; f++) x[f] = X[xo + f];
    // r = b − A x = Σ c y − G x − Σ (c−1)(y·x) y
    gemv(G, x, r, k);
    for (let f = 0; f < k; f++) r[f] = -r[f];
    for (let p = a; p < b; p++) {
      const yo = indices[p] * k;
      const cm1 = values[p];
      axpyY(cm1 + 1 - cm1 * dotYV(Y, yo, x, k), Y, yo, r, k);
    }
    runCg(x, r, d, Ad, k, cgSteps, () => {
      // Ad = G d + Σ (c−1)(y·d) y
      gemv(G, d, Ad, k);
      for (let p = a; p < b; p++) {
        const yo = indices[p] * k;
        axpyY(values[p] * dotYV(Y, yo, d, k), Y, yo, Ad, k);
      }
    });
    for (let f = 0; f < k; f++) X[xo + f] = x[f];
  }
}

/**
 * Exact solve of a row with one positive j (Woodbury with n = 1, i.e. Sherman–Morrison):
 * x = c/(1 + (c − 1)·yⱼᵀG⁻¹yⱼ) · G⁻¹yⱼ, with G⁻¹yⱼ = row j of Z. O(k).
 */
export function shermanMorrisonRow(
  X: Float32Array,
  xo: number,
  Y: Float32Array,
  Z: Float64Array,
  j: number,
  cm1: number,
  k: number,
): void {
  const jo = j * k;
  let s = 0;
  for (let f = 0; f < k; f++) s += Y[jo + f] * Z[jo + f];
  const t = (cm1 + 1) / (1 + cm1 * s);
  for (let f = 0; f < k; f++) X[xo + f] = t * Z[jo + f];
}

/** Exact row solve by the Woodbury identity; see {@link solveRows}. `x` is a length-k scratch buffer. */
function woodburyRow(
  X: Float32Array,
  xo: number,
  Y: Float32Array,
  Z: Float64Array,
  indices: Int32Array,
  values: Float32Array,
  a: number,
  b: number,
  k: number,
  M: Float64Array,
  s: Float64Array,
  x: Float64Array,
): void {
  const n = b - a;
  // z₀ = G⁻¹ b = Σ cⱼ G⁻¹yⱼ
  x.fill(0);
  for (let p = a; p < b; p++) {
    const zo = indices[p] * k;
    const c = values[p] + 1;
    for (let f = 0; f < k; f++) x[f] += c * Z[zo + f];
  }
  // M = D⁻¹ + Yᵣ G⁻¹ Yᵣᵀ (lower triangle), s = Yᵣ z₀
  for (let j = 0; j < n; j++) {
    const yo = indices[a + j] * k;
    let sj = 0;
    for (let f = 0; f < k; f++) sj += Y[yo + f] * x[f];
    s[j] = sj;
    const mj = j * n;
    for (let l = 0; l <= j; l++) {
      const zo = indices[a + l] * k;
      let m = 0;
      for (let f = 0; f < k; f++) m += Y[yo + f] * Z[zo + f];
      M[mj + l] = m;
    }
    M[mj + j] += 1 / values[a + j];
  }
  if (!choleskyInPlace(M, n)) throw new ModelFitError('implicit-als: Woodbury system not positive definite');
  choleskySolveInPlace(M, n, s);
  // x = z₀ − Σ tⱼ G⁻¹yⱼ
  for (let j = 0; j < n; j++) {
    const zo = indices[a + j] * k;
    const t = s[j];
    for (let f = 0; f < k; f++) x[f] -= t * Z[zo + f];
  }
  for (let f = 0; f < k; f++) X[xo + f] = x[f];
}

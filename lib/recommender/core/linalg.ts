/**
 * Small dense linear-algebra kernels on typed arrays for the factor models (ALS, EASE).
 * All matrices are row-major: element (i, j) of an n × m matrix is at `a[i * m + j]`.
 * Pure functions, no allocation inside hot loops unless stated.
 */
import { invertSpdWasm } from './linalg-wasm';

/**
 * In-place Cholesky factorisation A = L·Lᵀ of a symmetric positive-definite n × n matrix.
 * Reads only the lower triangle of `a`; on success the lower triangle holds L (the strict upper
 * triangle is left untouched). Row-oriented ("dot-product") form so every inner loop walks two
 * contiguous rows. Time O(n³/6) multiply-adds, no extra memory.
 *
 * Source: Golub & Van Loan, Matrix Computations (4th ed.), Algorithm 4.2.2 (gaxpy Cholesky, row form).
 * @returns false when a pivot is not strictly positive (matrix not SPD); `a` is then partially overwritten.
 */
export function choleskyInPlace(a: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const s = a[ri + j] - dotRows(a, ri, j * n, j);
      if (i === j) {
        if (!(s > 0)) return false;
        a[ri + i] = Math.sqrt(s);
      } else {
        a[ri + j] = s / a[j * n + j];
      }
    }
  }
  return true;
}

/** Σ_{p<len} a[x + p]·a[y + p] (two rows of one matrix). */
function dotRows(a: Float64Array, x: number, y: number, len: number): number {
  return dot4(a, x, a, y, len);
}

/**
 * Σ_{p<len} a[ao + p]·b[bo + p] with four accumulators (V8 does not vectorise, and one accumulator
 * is bound by the add latency; measured faster, docs/benchmarks/hybrid.md).
 */
export function dot4(a: Float64Array, ao: number, b: Float64Array, bo: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let p = 0;
  for (; p + 3 < len; p += 4) {
    s0 += a[ao + p] * b[bo + p];
    s1 += a[ao + p + 1] * b[bo + p + 1];
    s2 += a[ao + p + 2] * b[bo + p + 2];
    s3 += a[ao + p + 3] * b[bo + p + 3];
  }
  for (; p < len; p++) s0 += a[ao + p] * b[bo + p];
  return s0 + s1 + s2 + s3;
}

/** out[o + p] += f·a[x + p] for p < len, unrolled by four. */
function axpyRow(f: number, a: Float64Array, x: number, out: Float64Array, o: number, len: number): void {
  let p = 0;
  for (; p + 3 < len; p += 4) {
    out[o + p] += f * a[x + p];
    out[o + p + 1] += f * a[x + p + 1];
    out[o + p + 2] += f * a[x + p + 2];
    out[o + p + 3] += f * a[x + p + 3];
  }
  for (; p < len; p++) out[o + p] += f * a[x + p];
}

/**
 * Solves L·Lᵀ x = b in place (b becomes x) given the Cholesky factor from {@link choleskyInPlace}.
 * Time O(n²).
 */
export function choleskySolveInPlace(l: Float64Array, n: number, b: Float64Array): void {
  // Forward: L y = b.
  for (let i = 0; i < n; i++) {
    let s = b[i];
    const ri = i * n;
    for (let p = 0; p < i; p++) s -= l[ri + p] * b[p];
    b[i] = s / l[ri + i];
  }
  // Backward: Lᵀ x = y.
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let p = i + 1; p < n; p++) s -= l[p * n + i] * b[p];
    b[i] = s / l[i * n + i];
  }
}

/**
 * Solves the SPD system A x = b; `a` (n × n, row-major) is overwritten by its Cholesky factor and
 * `b` by x. Time O(n³/6 + n²).
 * @returns false when A is not numerically positive definite.
 */
export function solveSpdInPlace(a: Float64Array, n: number, b: Float64Array): boolean {
  if (!choleskyInPlace(a, n)) return false;
  choleskySolveInPlace(a, n, b);
  return true;
}

/**
 * Inverse of a symmetric positive-definite n × n matrix (row-major, Float64Array).
 * Cholesky A = L·Lᵀ (n³/6), then M = L⁻¹ row by row in place (n³/6, each row is a combination of
 * the previous rows of M), then A⁻¹ = Mᵀ·M as dot products of rows of Mᵀ (n³/6). Every inner
 * loop is a contiguous dot product or axpy. Total ≈ n³/2 multiply-adds and one extra n × n
 * buffer; the result is returned in `a`'s memory (the input is destroyed).
 *
 * Source: Golub & Van Loan, Matrix Computations, §4.2 and §3.1 (triangular inversion).
 * @returns the full symmetric inverse, or null when A is not numerically positive definite.
 */
export function invertSpd(a: Float64Array, n: number): Float64Array | null {
  // Large matrices (EASE) in the WebAssembly SIMD kernels: the same loops, bit-identical results (linalg-wasm.ts).
  if (n >= WASM_INVERSE_MIN_N) {
    const viaWasm = invertSpdWasm(a, n);
    if (viaWasm !== undefined) return viaWasm;
  }
  return invertSpdTs(a, n);
}

/** Smallest n {@link invertSpd} hands to the WebAssembly kernels (below, the call overhead is not worth it). */
export const WASM_INVERSE_MIN_N = 128;

/** {@link invertSpd} in TypeScript (the kernels' reference; also where WebAssembly SIMD is missing). */
export function invertSpdTs(a: Float64Array, n: number): Float64Array | null {
  if (!choleskyInPlace(a, n)) return null;
  const row = new Float64Array(n);
  // M = L⁻¹: row i of M = (e_i − Σ_{p<i} L[i][p]·M[p]) / L[i][i]; M[p] is zero beyond column p.
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    row.fill(0, 0, i + 1);
    for (let p = 0; p < i; p++) {
      const f = a[ri + p];
      if (f !== 0) axpyRow(-f, a, p * n, row, 0, p + 1);
    }
    const inv = 1 / a[ri + i];
    row[i] += 1;
    for (let j = 0; j <= i; j++) a[ri + j] = row[j] * inv;
  }
  // A⁻¹ = Mᵀ M: (A⁻¹)ᵢⱼ = Σ_{p ≥ max(i,j)} M[p][i]·M[p][j], a dot product of rows i and j of
  // T = Mᵀ from column max(i, j) on — contiguous reads, no stores in the inner loop.
  const t = new Float64Array(n * n);
  for (let p = 0; p < n; p++) for (let i = 0; i <= p; i++) t[i * n + p] = a[p * n + i];
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) a[ri + j] = dotRows(t, ri + i, j * n + i, n - i);
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[j * n + i] = a[i * n + j];
  return a;
}

/**
 * Gram matrix FᵀF of an n × k row-major factor matrix, as a k × k Float64Array (row-major, full).
 * Time O(n·k²/2).
 */
export function gram(
  factors: Float32Array,
  n: number,
  k: number,
  out: Float64Array = new Float64Array(k * k),
): Float64Array {
  out.fill(0);
  // Four rows at a time: each out element is loaded and stored once per four rank-1 updates.
  let r = 0;
  for (; r + 3 < n; r += 4) {
    const o0 = r * k;
    const o1 = o0 + k;
    const o2 = o1 + k;
    const o3 = o2 + k;
    for (let a = 0; a < k; a++) {
      const f0 = factors[o0 + a];
      const f1 = factors[o1 + a];
      const f2 = factors[o2 + a];
      const f3 = factors[o3 + a];
      if (f0 === 0 && f1 === 0 && f2 === 0 && f3 === 0) continue;
      const ra = a * k;
      for (let b = 0; b <= a; b++) {
        out[ra + b] += f0 * factors[o0 + b] + f1 * factors[o1 + b] + f2 * factors[o2 + b] + f3 * factors[o3 + b];
      }
    }
  }
  for (; r < n; r++) {
    const o = r * k;
    for (let a = 0; a < k; a++) {
      const fa = factors[o + a];
      if (fa === 0) continue;
      const ra = a * k;
      for (let b = 0; b <= a; b++) out[ra + b] += fa * factors[o + b];
    }
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) out[b * k + a] = out[a * k + b];
  return out;
}

/** Σ_j x[xo + j]·y[yo + j] for j < k (two vectors inside larger arrays). */
export function dotAt(x: ArrayLike<number>, xo: number, y: ArrayLike<number>, yo: number, k: number): number {
  let s = 0;
  for (let j = 0; j < k; j++) s += x[xo + j] * y[yo + j];
  return s;
}

/** true when every element is finite. O(n). */
export function allFinite(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

/**
 * Solves a small SPD system A x = b (n ≲ 30: the blends' ridge normal equations) by Cholesky with plain sequential
 * sums, A overwritten by its factor L (lower triangle). The rating blend's weights depend on this exact order of
 * operations, so it stays as it is; {@link solveSpdInPlace} (unrolled sums, WebAssembly above a size) serves the
 * large and the hot systems. ml-matrix's CholeskyDecomposition was measured on these systems and is slower
 * (docs/benchmarks/engine-core-b.md). O(n³/6 + n²).
 * @returns x, or the index of the first non-positive pivot.
 */
export function solveSmallSpd(a: Float64Array, n: number, b: ArrayLike<number>): Float64Array | number {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) d -= a[j * n + k] * a[j * n + k];
    if (!(d > 0)) return j;
    const l = Math.sqrt(d);
    a[j * n + j] = l;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / l;
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= a[i * n + k] * z[k];
    z[i] = s / a[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < n; k++) s -= a[k * n + i] * x[k];
    x[i] = s / a[i * n + i];
  }
  return x;
}

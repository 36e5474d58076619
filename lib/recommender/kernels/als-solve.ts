/**
 * The ALS row solves as the fits call them: in the WebAssembly kernels (als-wasm.ts) when they are available, with
 * the operands laid out in the kernels' memory (rows padded to the SIMD width) and the results copied back; in the
 * TypeScript loops of als-kernel.ts otherwise. Both paths give the same bits (als-wasm.test.ts).
 */
import { invertSpd } from '../core/linalg';
import { type Csr, ModelFitError } from '../core/types';
import { cgCost, shermanMorrisonRow, solveRowsJs, woodburyCost } from './als-kernel';
import { alsWasm, type AlsWasm, ensureWasmBytes, paddedK } from './als-wasm';

/**
 * One half-sweep for rows [start, end): each row x of `X` (nRows × k) is moved towards the minimiser
 * of xᵀ(G + Yᵣᵀ Dᵣ Yᵣ)x − 2xᵀYᵣᵀcᵣ with G = YᵀY + λI and Dᵣ = diag(c − 1) over the row's positives
 * (`conf` stores c − 1). Per row, one of:
 * - no positives: x = 0, the exact minimiser;
 * - n ≤ `wbMax` positives (needs `Z`, whose row j is G⁻¹yⱼ): exact solve by the Woodbury identity,
 *   x = z₀ − Zᵣᵀ M⁻¹ Yᵣ z₀ with z₀ = Σ cⱼ G⁻¹yⱼ and M = D⁻¹ + Yᵣ G⁻¹ Yᵣᵀ (n × n), in
 *   O(n²k/2 + n³/6 + nk) instead of CG's O(k²) per step — the long tail of rarely-rated items;
 * - otherwise `cgSteps` CG steps from the current x (solver 'cg'; Takács et al. 2011, Algorithm 2,
 *   implicit's `_least_squares_cg`), each O(k² + nk), or an exact Cholesky solve ('cholesky', O(nk² + k³)).
 * Every path does not increase the row's quadratic, so the ALS objective never goes up.
 * Writes only rows [start, end) of X, so disjoint ranges can run in parallel over shared memory.
 */
export function solveRows(...args: Parameters<typeof solveRowsJs>): void {
  const [, , , , , start, end, solver] = args;
  const w = solver === 'cg' && end > start ? alsWasm() : null;
  if (w) solveRowsWasm(w, ...args);
  else solveRowsJs(...args);
}

/**
 * Work-sharing form of {@link solveRows} for several threads over shared memory: rows are cut into
 * chunks [bounds[c], bounds[c + 1]); each thread visits the chunks in its own order (`fromEnd`:
 * last to first) and solves those it claims by compare-and-swap on `claims[c]` (0 → 1). A slow or
 * descheduled thread thus simply claims fewer chunks. Every row gets the same maths as in
 * {@link solveRows}, so the result does not depend on who solved what. Returns the chunks solved here.
 */
export function solveRowChunks(
  X: Float32Array,
  Y: Float32Array,
  G: Float64Array,
  conf: Csr,
  k: number,
  bounds: Int32Array,
  claims: Int32Array,
  fromEnd: boolean,
  solver: 'cg' | 'cholesky',
  cgSteps: number,
  Z: Float64Array | null = null,
  wbMax = -1,
): number {
  const nChunks = bounds.length - 1;
  const w = solver === 'cg' ? alsWasm() : null;
  const solve = w ? wasmRowSolver(w, X, Y, G, conf, k, bounds[0], bounds[nChunks], cgSteps, Z, wbMax) : null;
  let done = 0;
  for (let t = 0; t < nChunks; t++) {
    const c = fromEnd ? nChunks - 1 - t : t;
    if (Atomics.compareExchange(claims, c, 0, 1) !== 0) continue;
    if (solve) solve(bounds[c], bounds[c + 1]);
    else solveRowsJs(X, Y, G, conf, k, bounds[c], bounds[c + 1], solver, cgSteps, Z, wbMax);
    done++;
  }
  return done;
}

/**
 * Decides whether the Woodbury path pays off for this half-sweep and prepares Z (nFixed × k,
 * row j = G⁻¹yⱼ, filled only for the fixed rows that short rows touch). Returns wbMax = −1 when CG
 * everywhere is cheaper (e.g. the user side of a catalogue with few, heavy users) or when some
 * confidence increment is not positive. O(nnz) planning + O(k³ + needed·k²).
 */
export function planWoodbury(
  conf: Csr,
  Y: Float32Array,
  G: Float64Array,
  k: number,
  cgSteps: number,
  shared: boolean,
): { Z: Float64Array | null; wbMax: number } {
  const { indptr, indices, values, nRows, nCols } = conf;
  for (let p = 0; p < indptr[nRows]; p++) if (!(values[p] > 0)) return { Z: null, wbMax: -1 };
  let wbMax = 0;
  while (wbMax < 4 * k && woodburyCost(wbMax + 1, k) < cgCost(wbMax + 1, k, cgSteps)) wbMax++;
  if (wbMax === 0) return { Z: null, wbMax: -1 };
  const needed = new Uint8Array(nCols);
  let nNeeded = 0;
  let savings = 0;
  for (let r = 0; r < nRows; r++) {
    const n = indptr[r + 1] - indptr[r];
    if (n === 0 || n > wbMax) continue;
    savings += cgCost(n, k, cgSteps) - woodburyCost(n, k);
    for (let p = indptr[r]; p < indptr[r + 1]; p++) {
      if (!needed[indices[p]]) {
        needed[indices[p]] = 1;
        nNeeded++;
      }
    }
  }
  if (savings <= nNeeded * k * k + k * k * k) return { Z: null, wbMax: -1 };
  const Ginv = invertSpd(Float64Array.from(G), k);
  if (!Ginv) return { Z: null, wbMax: -1 };
  const Z = shared ? new Float64Array(new SharedArrayBuffer(nCols * k * 8)) : new Float64Array(nCols * k);
  if (inverseTimesRowsWasm(Ginv, Y, needed, nCols, k, Z)) return { Z, wbMax };
  for (let j = 0; j < nCols; j++) {
    if (!needed[j]) continue;
    const yo = j * k;
    for (let f = 0; f < k; f++) {
      let s = 0;
      const gf = f * k;
      for (let g = 0; g < k; g++) s += Ginv[gf + g] * Y[yo + g];
      Z[yo + f] = s;
    }
  }
  return { Z, wbMax };
}

/**
 * Copies n rows of width k (row-major) into `dst` at element offset `at` with stride kp, zero
 * padding; `padRows` ≥ n further rows are zeroed too (a k × k matrix loaded as kp × kp).
 */
function loadPadded(
  dst: Float64Array,
  at: number,
  src: Float32Array | Float64Array,
  n: number,
  k: number,
  kp: number,
  padRows = n,
): void {
  if (k === kp) {
    dst.set(src.subarray(0, n * k), at);
    return;
  }
  dst.fill(0, at, at + padRows * kp);
  for (let r = 0; r < n; r++) dst.set(src.subarray(r * k, r * k + k), at + r * kp);
}

/** Byte offsets of consecutive 16-byte-aligned regions of the given byte sizes, and the total. */
function layout(sizes: number[]): { at: number[]; total: number } {
  const at: number[] = [];
  let p = 0;
  for (const s of sizes) {
    at.push(p);
    p += (s + 15) & ~15;
  }
  return { at, total: p };
}

/**
 * {@link solveRows} for the CG solver on the WebAssembly SIMD kernels (same maths, float64): the
 * fixed factors (and Z) are copied once per call into the kernels' memory as zero-padded float64
 * rows; each row's positives are gathered as byte offsets, then the k-length CG updates run here
 * and every O(nk) or O(k²) product in the kernels.
 */
function solveRowsWasm(w: AlsWasm, ...args: Parameters<typeof solveRowsJs>): void {
  const [X, Y, G, conf, k, start, end, , cgSteps, Z = null, wbMax = -1] = args;
  wasmRowSolver(w, X, Y, G, conf, k, start, end, cgSteps, Z, wbMax)(start, end);
}

/**
 * Loads G, the fixed factors and Z into the kernels' memory once and returns the solver of any row
 * range inside [from, to) (see {@link solveRowsWasm}).
 */
function wasmRowSolver(
  w: AlsWasm,
  X: Float32Array,
  Y: Float32Array,
  G: Float64Array,
  conf: Csr,
  k: number,
  from: number,
  to: number,
  cgSteps: number,
  Z: Float64Array | null,
  wbMax: number,
): (start: number, end: number) => void {
  const { indptr, indices, values } = conf;
  const kp = paddedK(k);
  const kb = kp * 8;
  const nFixed = Y.length / k;
  let maxLen = 1;
  for (let row = from; row < to; row++) maxLen = Math.max(maxLen, indptr[row + 1] - indptr[row]);
  const useWb = Z !== null && wbMax > 0;
  const nM = useWb ? wbMax : 1;
  const {
    at: [gAt, xAt, rAt, dAt, adAt, idxAt, cAt, ncAt, cm1At, zerosAt, mAt, sAt, yAt, zAt],
    total,
  } = layout([
    kp * kb,
    kb,
    kb,
    kb,
    kb,
    maxLen * 4,
    maxLen * 8,
    maxLen * 8,
    maxLen * 8,
    maxLen * 8,
    nM * nM * 8,
    nM * 8,
    nFixed * kb,
    useWb ? nFixed * kb : 0,
  ]);
  ensureWasmBytes(w, total);
  const buf = w.memory.buffer;
  const m64 = new Float64Array(buf);
  const m32 = new Int32Array(buf);
  loadPadded(m64, gAt / 8, G, k, k, kp, kp);
  loadPadded(m64, yAt / 8, Y, nFixed, k, kp);
  if (useWb) loadPadded(m64, zAt / 8, Z, nFixed, k, kp);
  m64.fill(0, xAt / 8, idxAt / 8); // x, r, d, Ad (their padding stays zero)
  m64.fill(0, zerosAt / 8, zerosAt / 8 + maxLen);
  const x = new Float64Array(buf, xAt, kp);
  const i0 = idxAt / 4;
  const c0 = cAt / 8;
  const nc0 = ncAt / 8;
  const cm0 = cm1At / 8;
  return (start, end) => {
    for (let row = start; row < end; row++) {
      const a = indptr[row];
      const n = indptr[row + 1] - a;
      const xo = row * k;
      if (n === 0) {
        X.fill(0, xo, xo + k);
        continue;
      }
      if (useWb && n === 1) {
        shermanMorrisonRow(X, xo, Y, Z, indices[a], values[a], k);
        continue;
      }
      let flat = 1;
      for (let j = 0; j < n; j++) {
        const cm1 = values[a + j];
        m32[i0 + j] = indices[a + j] * kb;
        m64[c0 + j] = cm1 + 1;
        m64[nc0 + j] = -cm1;
        m64[cm0 + j] = cm1;
        if (cm1 !== 0) flat = 0;
      }
      if (useWb && n <= wbMax) {
        // Woodbury: z₀ = Σ cⱼ G⁻¹yⱼ; s = Yᵣz₀; M = D⁻¹ + Yᵣ G⁻¹ Yᵣᵀ; x = z₀ − Σ (M⁻¹s)ⱼ G⁻¹yⱼ.
        if (!w.woodburyRow(yAt, zAt, idxAt, cAt, cm1At, ncAt, n, xAt, mAt, sAt, kp))
          throw new ModelFitError('implicit-als: Woodbury system not positive definite');
        for (let f = 0; f < k; f++) X[xo + f] = x[f];
        continue;
      }
      for (let f = 0; f < k; f++) x[f] = X[xo + f];
      w.cgRow(gAt, yAt, idxAt, cAt, ncAt, cm1At, zerosAt, n, xAt, rAt, dAt, adAt, kp, cgSteps, flat);
      for (let f = 0; f < k; f++) X[xo + f] = x[f];
    }
  };
}

/**
 * FᵀF of an n × k row-major factor matrix (k × k, full) on the SIMD kernels, skipping all-zero rows
 * (items or users without positives end every sweep at exactly 0). Null without WebAssembly SIMD.
 * O(n·k²/2).
 */
export function gramWasm(F: Float32Array, n: number, k: number): Float64Array | null {
  const w = alsWasm();
  if (!w) return null;
  const kp = paddedK(k);
  const kb = kp * 8;
  const {
    at: [zeroAt, listAt, fAt, outAt],
    total,
  } = layout([kb, (n + 4) * 4, n * kb, kp * kb]);
  ensureWasmBytes(w, total);
  const m64 = new Float64Array(w.memory.buffer);
  const m32 = new Int32Array(w.memory.buffer);
  m64.fill(0, zeroAt / 8, zeroAt / 8 + kp);
  m64.fill(0, outAt / 8, outAt / 8 + kp * kp);
  loadPadded(m64, fAt / 8, F, n, k, kp);
  let m = 0;
  for (let r = 0; r < n; r++) {
    const o = r * k;
    for (let f = 0; f < k; f++) {
      if (F[o + f] !== 0) {
        m32[listAt / 4 + m++] = fAt + r * kb;
        break;
      }
    }
  }
  while (m % 4 !== 0) m32[listAt / 4 + m++] = zeroAt;
  w.gram4(listAt, m / 4, outAt, kp);
  const out = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b <= a; b++) {
      const v = m64[outAt / 8 + a * kp + b];
      out[a * k + b] = v;
      out[b * k + a] = v;
    }
  }
  return out;
}

/** Z[j] = G⁻¹·Y[j] for the rows j with needed[j] set, on the SIMD kernels; false without them. */
function inverseTimesRowsWasm(
  Ginv: Float64Array,
  Y: Float32Array,
  needed: Uint8Array,
  n: number,
  k: number,
  Z: Float64Array,
): boolean {
  const w = alsWasm();
  if (!w) return false;
  const kp = paddedK(k);
  const kb = kp * 8;
  const {
    at: [gAt, yAt, zAt],
    total,
  } = layout([kp * kb, n * kb, kb]);
  ensureWasmBytes(w, total);
  const m64 = new Float64Array(w.memory.buffer);
  loadPadded(m64, gAt / 8, Ginv, k, k, kp, kp);
  loadPadded(m64, yAt / 8, Y, n, k, kp);
  for (let j = 0; j < n; j++) {
    if (!needed[j]) continue;
    w.gemv(gAt, yAt + j * kb, zAt, kp);
    Z.set(m64.subarray(zAt / 8, zAt / 8 + k), j * k);
  }
  return true;
}

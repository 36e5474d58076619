/**
 * WebAssembly SIMD (f64x2) kernels for the dense SPD inverse of {@link invertSpd} (linalg.ts), EASE's n³ step,
 * assembled with wasm-asm.ts. Each kernel runs the same loops as the TypeScript code and rounds the same way, so
 * the results are bit for bit those of the TypeScript path (linalg-wasm.test.ts checks it): the dot products keep
 * dot4's four partial sums (lanes 0–1 and 2–3 of two f64x2 accumulators, tail into the first, summed
 * ((s0 + s1) + s2) + s3), and every multiply and add is a separate IEEE operation (wasm has no fused multiply-add in
 * its base SIMD). Exported kernels (pointers are byte offsets into the module's memory):
 *
 * - `cholesky(a, n) → 1 | 0`: choleskyInPlace on the n × n matrix at a;
 * - `trinv(a, row, n)`: the lower triangle's L⁻¹ by rows (row: n float64 of scratch);
 * - `mtm(a, t, n)`: the lower triangle of MᵀM from T = Mᵀ at t.
 */
import {
  assembleModule,
  compileModule,
  ensureMemoryBytes,
  f64Bytes,
  F64,
  F64X2_ADD,
  F64X2_EXTRACT,
  F64X2_MUL,
  F64X2_SPLAT,
  I32,
  SimdCode,
  V128,
  V_LOAD,
  V_STORE,
  type WasmFunction,
} from './wasm-asm';

// Scalar opcodes.
const I32_ADD = 0x6a;
const I32_MUL = 0x6c;
const I32_AND = 0x71;
const I32_SHL = 0x74;
const I32_GE_S = 0x4e;
const I32_GT_S = 0x4a;
const I32_GE_U = 0x4f;
const I32_EQ = 0x46;
const F64_LOAD = [0x2b, 3, 0] as const;
const F64_STORE = [0x39, 3, 0] as const;
const F64_ADD = 0xa0;
const F64_SUB = 0xa1;
const F64_MUL = 0xa2;
const F64_DIV = 0xa3;
const F64_SQRT = 0x9f;
const F64_NEG = 0x9a;
const F64_GT = 0x64;
const F64_NE = 0x62;
const I32_EQZ = 0x45;

/** Locals every kernel uses for its dot products and axpys. */
interface VecLocals {
  px: number;
  py: number;
  vend: number;
  end: number;
  s0: number;
  acc0: number;
  acc1: number;
}

/** end = px + len·8 and vend = px + (len & ~3)·8, with `len` pushed by the callback. */
function emitEnds(b: SimdCode, L: VecLocals, len: (c: SimdCode) => void): void {
  b.get(L.px);
  len(b);
  b.i32(3).op(I32_SHL).op(I32_ADD).set(L.end);
  b.get(L.px);
  len(b);
  b.i32(-4).op(I32_AND).i32(3).op(I32_SHL).op(I32_ADD).set(L.vend);
}

/** Leaves dot4(px, py, len) on the stack (advancing px, py), summed exactly as linalg.ts's dot4. */
function emitDot4(b: SimdCode, L: VecLocals, len: (c: SimdCode) => void): void {
  emitEnds(b, L, len);
  b.zero().set(L.acc0).zero().set(L.acc1);
  b.whileLoop(
    (x) => x.get(L.px).get(L.vend).op(I32_GE_U),
    (x) => {
      x.get(L.acc0).get(L.px).simd(V_LOAD, 0).get(L.py).simd(V_LOAD, 0).simd(F64X2_MUL).simd(F64X2_ADD).set(L.acc0);
      x.get(L.acc1).get(L.px).simd(V_LOAD, 16).get(L.py).simd(V_LOAD, 16).simd(F64X2_MUL).simd(F64X2_ADD).set(L.acc1);
      x.inc(L.px, 32).inc(L.py, 32);
    },
  );
  b.get(L.acc0).simd(F64X2_EXTRACT).op(0).set(L.s0);
  b.whileLoop(
    (x) => x.get(L.px).get(L.end).op(I32_GE_U),
    (x) => {
      x.get(L.s0)
        .get(L.px)
        .op(...F64_LOAD)
        .get(L.py)
        .op(...F64_LOAD)
        .op(F64_MUL)
        .op(F64_ADD)
        .set(L.s0);
      x.inc(L.px, 8).inc(L.py, 8);
    },
  );
  b.get(L.s0).get(L.acc0).simd(F64X2_EXTRACT).op(1).op(F64_ADD);
  b.get(L.acc1).simd(F64X2_EXTRACT).op(0).op(F64_ADD);
  b.get(L.acc1).simd(F64X2_EXTRACT).op(1).op(F64_ADD);
}

/** out[k] += f·x[k] for k < len, x at px and out at py (advanced), f in the f64 local `f` (splatted into acc0). */
function emitAxpy(b: SimdCode, L: VecLocals, f: number, len: (c: SimdCode) => void): void {
  emitEnds(b, L, len);
  b.get(f).simd(F64X2_SPLAT).set(L.acc0);
  b.whileLoop(
    (x) => x.get(L.px).get(L.vend).op(I32_GE_U),
    (x) => {
      x.get(L.py)
        .get(L.py)
        .simd(V_LOAD, 0)
        .get(L.acc0)
        .get(L.px)
        .simd(V_LOAD, 0)
        .simd(F64X2_MUL)
        .simd(F64X2_ADD)
        .simd(V_STORE, 0);
      x.get(L.py)
        .get(L.py)
        .simd(V_LOAD, 16)
        .get(L.acc0)
        .get(L.px)
        .simd(V_LOAD, 16)
        .simd(F64X2_MUL)
        .simd(F64X2_ADD)
        .simd(V_STORE, 16);
      x.inc(L.px, 32).inc(L.py, 32);
    },
  );
  b.whileLoop(
    (x) => x.get(L.px).get(L.end).op(I32_GE_U),
    (x) => {
      x.get(L.py)
        .get(L.py)
        .op(...F64_LOAD)
        .get(f)
        .get(L.px)
        .op(...F64_LOAD)
        .op(F64_MUL)
        .op(F64_ADD)
        .op(...F64_STORE);
      x.inc(L.px, 8).inc(L.py, 8);
    },
  );
}

/** `for (v = from; v < n; v++) body` with i32 locals; `from` pushes the start value. */
function forUp(b: SimdCode, v: number, from: (c: SimdCode) => void, n: number, body: () => void): void {
  from(b);
  b.set(v);
  b.whileLoop(
    (x) => x.get(v).get(n).op(I32_GE_S),
    () => {
      body();
      b.inc(v, 1);
    },
  );
}

/** `for (v = 0; v <= hi; v++) body`. */
function forUpTo(b: SimdCode, v: number, hi: number, body: () => void): void {
  b.i32(0).set(v);
  b.whileLoop(
    (x) => x.get(v).get(hi).op(I32_GT_S),
    () => {
      body();
      b.inc(v, 1);
    },
  );
}

/** Pushes base + idx·8 (idx an i32 local). */
function addr(b: SimdCode, base: number, idx: number): void {
  b.get(base).get(idx).i32(3).op(I32_SHL).op(I32_ADD);
}

/** cholesky(a, n) → 1, or 0 at a pivot that is not > 0. */
function choleskyFn(): WasmFunction {
  const [a, n] = [0, 1];
  const [i, j, n8, rowi, rowj] = [2, 3, 4, 5, 6];
  const L: VecLocals = { px: 7, py: 8, vend: 9, end: 10, s0: 11, acc0: 13, acc1: 14 };
  const s = 12;
  const b = new SimdCode();
  b.get(n).i32(3).op(I32_SHL).set(n8);
  forUp(
    b,
    i,
    (c) => c.i32(0),
    n,
    () => {
      b.get(a).get(i).get(n8).op(I32_MUL).op(I32_ADD).set(rowi);
      forUpTo(b, j, i, () => {
        b.get(a).get(j).get(n8).op(I32_MUL).op(I32_ADD).set(rowj);
        b.get(rowi).set(L.px).get(rowj).set(L.py);
        emitDot4(b, L, (c) => c.get(j));
        b.set(s);
        addr(b, rowi, j);
        b.op(...F64_LOAD)
          .get(s)
          .op(F64_SUB)
          .set(s);
        b.get(i).get(j).op(I32_EQ);
        b.op(0x04, 0x40); // if i == j
        b.get(s)
          .op(0x44, ...f64Bytes(0))
          .op(F64_GT)
          .op(I32_EQZ);
        b.op(0x04, 0x40).i32(0).op(0x0f).op(0x0b); // if !(s > 0) return 0
        addr(b, rowi, i);
        b.get(s)
          .op(F64_SQRT)
          .op(...F64_STORE);
        b.op(0x05); // else
        addr(b, rowi, j);
        b.get(s);
        addr(b, rowj, j);
        b.op(...F64_LOAD)
          .op(F64_DIV)
          .op(...F64_STORE);
        b.op(0x0b);
      });
    },
  );
  b.i32(1);
  return {
    name: 'cholesky',
    params: 2,
    locals: [I32, I32, I32, I32, I32, I32, I32, I32, I32, F64, F64, V128, V128],
    code: b,
    results: [I32],
  };
}

/** trinv(a, row, n): rows of M = L⁻¹ into the lower triangle, as invertSpd's first loop. */
function trinvFn(): WasmFunction {
  const [a, row, n] = [0, 1, 2];
  const [i, p, j, n8, rowi, len] = [3, 4, 5, 6, 7, 8];
  const L: VecLocals = { px: 9, py: 10, vend: 11, end: 12, s0: 13, acc0: 16, acc1: 17 };
  const [f, inv] = [14, 15];
  const b = new SimdCode();
  b.get(n).i32(3).op(I32_SHL).set(n8);
  forUp(
    b,
    i,
    (c) => c.i32(0),
    n,
    () => {
      b.get(a).get(i).get(n8).op(I32_MUL).op(I32_ADD).set(rowi);
      // row[0 … i] = 0
      forUpTo(b, j, i, () => {
        addr(b, row, j);
        b.op(0x44, ...f64Bytes(0)).op(...F64_STORE);
      });
      forUp(
        b,
        p,
        (c) => c.i32(0),
        i,
        () => {
          addr(b, rowi, p);
          b.op(...F64_LOAD).set(f);
          b.get(f)
            .op(0x44, ...f64Bytes(0))
            .op(F64_NE);
          b.op(0x04, 0x40);
          b.get(f).op(F64_NEG).set(f);
          b.get(a).get(p).get(n8).op(I32_MUL).op(I32_ADD).set(L.px);
          b.get(row).set(L.py);
          b.get(p).i32(1).op(I32_ADD).set(len);
          emitAxpy(b, L, f, (c) => c.get(len));
          b.op(0x0b);
        },
      );
      addr(b, rowi, i);
      b.op(...F64_LOAD).set(inv);
      b.op(0x44, ...f64Bytes(1))
        .get(inv)
        .op(F64_DIV)
        .set(inv);
      addr(b, row, i);
      addr(b, row, i);
      b.op(...F64_LOAD)
        .op(0x44, ...f64Bytes(1))
        .op(F64_ADD)
        .op(...F64_STORE);
      forUpTo(b, j, i, () => {
        addr(b, rowi, j);
        addr(b, row, j);
        b.op(...F64_LOAD)
          .get(inv)
          .op(F64_MUL)
          .op(...F64_STORE);
      });
    },
  );
  return {
    name: 'trinv',
    params: 3,
    locals: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F64, F64, F64, V128, V128],
    code: b,
  };
}

/** mtm(a, t, n): a[i][j] = Σ_{p ≥ i} T[i][p]·T[j][p] for j ≤ i (T = Mᵀ at t), as invertSpd's second loop. */
function mtmFn(): WasmFunction {
  const [a, t, n] = [0, 1, 2];
  const [i, j, n8, rowi, ti] = [3, 4, 5, 6, 7];
  const L: VecLocals = { px: 8, py: 9, vend: 10, end: 11, s0: 12, acc0: 13, acc1: 14 };
  const b = new SimdCode();
  b.get(n).i32(3).op(I32_SHL).set(n8);
  forUp(
    b,
    i,
    (c) => c.i32(0),
    n,
    () => {
      b.get(a).get(i).get(n8).op(I32_MUL).op(I32_ADD).set(rowi);
      // ti = t + (i·n + i)·8: row i of T from column i
      b.get(t).get(i).get(n8).op(I32_MUL).op(I32_ADD).get(i).i32(3).op(I32_SHL).op(I32_ADD).set(ti);
      forUpTo(b, j, i, () => {
        addr(b, rowi, j); // store address first
        b.get(ti).set(L.px);
        b.get(t).get(j).get(n8).op(I32_MUL).op(I32_ADD).get(i).i32(3).op(I32_SHL).op(I32_ADD).set(L.py);
        emitDot4(b, L, (c) => c.get(n).get(i).op(0x6b)); // len = n − i
        b.op(...F64_STORE);
      });
    },
  );
  return { name: 'mtm', params: 3, locals: [I32, I32, I32, I32, I32, I32, I32, I32, I32, F64, V128, V128], code: b };
}

interface InverseWasm {
  memory: WebAssembly.Memory;
  cholesky(a: number, n: number): number;
  trinv(a: number, row: number, n: number): void;
  mtm(a: number, t: number, n: number): void;
}

let cached: InverseWasm | null | undefined;

/** The kernels, once per thread; null without WebAssembly SIMD. */
function kernels(): InverseWasm | null {
  if (cached !== undefined) return cached;
  try {
    const mod = compileModule(assembleModule([choleskyFn(), trinvFn(), mtmFn()], 'export'));
    cached = mod ? (new WebAssembly.Instance(mod, {}).exports as unknown as InverseWasm) : null;
  } catch {
    cached = null;
  }
  return cached;
}

/** Largest n the kernels take: two n × n float64 matrices and a row must fit 32-bit byte offsets. */
export const MAX_WASM_INVERSE_N = 11_000;

/**
 * invertSpd (linalg.ts) in the kernels: the full symmetric inverse into `a` (returned), or null when A is not
 * numerically positive definite; undefined when the kernels are unavailable or n is out of their range (the caller
 * then runs the TypeScript loops). Bit-identical to the TypeScript path. Memory: the module's memory grows to
 * 2·n²·8 bytes and keeps that size for the thread.
 */
export function invertSpdWasm(a: Float64Array, n: number): Float64Array | null | undefined {
  if (n > MAX_WASM_INVERSE_N || a.length !== n * n) return undefined;
  const k = kernels();
  if (!k) return undefined;
  const bytes = n * n * 8;
  const A = 0;
  const T = bytes;
  const ROW = 2 * bytes;
  ensureMemoryBytes(k.memory, ROW + n * 8);
  let m = new Float64Array(k.memory.buffer, A, n * n);
  m.set(a);
  if (!k.cholesky(A, n)) return null;
  k.trinv(A, ROW, n);
  m = new Float64Array(k.memory.buffer, A, n * n);
  const t = new Float64Array(k.memory.buffer, T, n * n);
  t.fill(0);
  for (let p = 0; p < n; p++) for (let i = 0; i <= p; i++) t[i * n + p] = m[p * n + i];
  k.mtm(A, T, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) m[j * n + i] = m[i * n + j];
  a.set(m);
  return a;
}

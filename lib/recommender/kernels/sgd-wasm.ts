/**
 * WebAssembly SIMD (f64x2) kernel for one epoch of biased-MF SGD (algorithms/biased-mf.ts), assembled with
 * ../core/wasm-asm.ts. It performs exactly the TypeScript loop's float64 operations in the same order, so both paths
 * give the same bits (sgd-wasm.test.ts):
 *
 * - the dot product qᵢ·pᵤ with four partial sums s₀…s₃ over f ≡ 0…3 (mod 4), added as ((s₀ + s₁) + s₂) + s₃ — what
 *   core/linalg.ts `dot4` does for k a multiple of 4 (two f64x2 accumulators hold (s₀, s₁) and (s₂, s₃));
 * - e = r − (((μ + bᵤ) + bᵢ) + dot); bᵤ += γ_b(e − λ_b bᵤ); bᵢ += γ_b(e − λ_b bᵢ);
 * - pᵤ ← δ·pᵤ + (γe)·qᵢ and qᵢ ← δ·qᵢ + (γe)·pᵤ from the old values, δ = 1 − γλ (elementwise, so lanes change
 *   nothing).
 *
 * WebAssembly has no fused multiply-add in its base SIMD set and neither does JavaScript, so every rounding matches.
 * Only k a positive multiple of 4 is supported (callers fall back to TypeScript otherwise).
 *
 * Memory layout (byte offsets, all 16-aligned): order (int32 entry ids in visiting order), users and items (int32 per
 * entry), values (f64 per entry), P (nUsers × k f64), Q (nItems × k f64), bu, bi (f64), and six f64 scalars
 * μ, γ, γ_b, λ_b, δ (written by the caller before every epoch).
 */
import {
  assembleModule,
  compileModule,
  ensureMemoryBytes,
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
} from '../core/wasm-asm';

const F64_LOAD = [0x2b, 3, 0];
const F64_STORE = [0x39, 3, 0];
const I32_LOAD = [0x28, 2, 0];

/**
 * `sgdEpoch(order, users, items, values, n, P, Q, bu, bi, scalars, kb)`: visits entries order[0 … n) and applies the
 * SGD step of each (see the file header). kb = k·8 bytes, a positive multiple of 32.
 */
function sgdEpochFn(): WasmFunction {
  const [order, users, items, values, n, P, Q, bu, bi, sc, kb] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const [t, p, pu, qi, bua, bia, end, pp, qq] = [11, 12, 13, 14, 15, 16, 17, 18, 19];
  const [e, b0, b1] = [20, 21, 22];
  const [acc0, acc1, le, dec, pv, qv] = [23, 24, 25, 26, 27, 28];
  const b = new SimdCode();
  // Constants of the whole epoch: δ splatted.
  b.get(sc)
    .op(...[0x2b, 3, 32])
    .simd(F64X2_SPLAT)
    .set(dec);
  b.i32(0).set(t);
  b.whileLoop(
    (x) => x.get(t).get(n).op(0x4e), // i32.ge_s
    (x) => {
      // p = order[t]; pu = P + users[p]·kb; qi = Q + items[p]·kb; bua = bu + users[p]·8; bia = bi + items[p]·8
      x.get(order)
        .get(t)
        .i32(2)
        .op(0x74)
        .op(0x6a)
        .op(...I32_LOAD)
        .set(p);
      x.get(users)
        .get(p)
        .i32(2)
        .op(0x74)
        .op(0x6a)
        .op(...I32_LOAD)
        .tee(pu); // pu holds u for now
      x.i32(3).op(0x74).get(bu).op(0x6a).set(bua);
      x.get(pu).get(kb).op(0x6c).get(P).op(0x6a).set(pu);
      x.get(items)
        .get(p)
        .i32(2)
        .op(0x74)
        .op(0x6a)
        .op(...I32_LOAD)
        .tee(qi);
      x.i32(3).op(0x74).get(bi).op(0x6a).set(bia);
      x.get(qi).get(kb).op(0x6c).get(Q).op(0x6a).set(qi);
      // dot: acc0 = (s0, s1), acc1 = (s2, s3)
      x.zero().set(acc0).zero().set(acc1);
      x.get(pu).set(pp).get(qi).set(qq).add(pu, kb).set(end);
      x.doWhile(
        (y) => {
          y.get(acc0).get(pp).simd(V_LOAD, 0).get(qq).simd(V_LOAD, 0).simd(F64X2_MUL).simd(F64X2_ADD).set(acc0);
          y.get(acc1).get(pp).simd(V_LOAD, 16).get(qq).simd(V_LOAD, 16).simd(F64X2_MUL).simd(F64X2_ADD).set(acc1);
          y.inc(pp, 32).inc(qq, 32);
        },
        (y) => y.get(pp).get(end).op(0x49), // i32.lt_u
      );
      // b0 = bu[u], b1 = bi[i]
      x.get(bua)
        .op(...F64_LOAD)
        .set(b0);
      x.get(bia)
        .op(...F64_LOAD)
        .set(b1);
      // e = values[p] − (((μ + b0) + b1) + (((s0 + s1) + s2) + s3))
      x.get(values)
        .get(p)
        .i32(3)
        .op(0x74)
        .op(0x6a)
        .op(...F64_LOAD);
      x.get(sc)
        .op(...F64_LOAD)
        .get(b0)
        .op(0xa0)
        .get(b1)
        .op(0xa0);
      x.get(acc0).simd(F64X2_EXTRACT).op(0).get(acc0).simd(F64X2_EXTRACT).op(1).op(0xa0);
      x.get(acc1).simd(F64X2_EXTRACT).op(0).op(0xa0);
      x.get(acc1).simd(F64X2_EXTRACT).op(1).op(0xa0);
      x.op(0xa0).op(0xa1).set(e);
      // bu[u] = b0 + γ_b·(e − λ_b·b0); bi[i] likewise
      x.get(bua)
        .get(b0)
        .get(sc)
        .op(...[0x2b, 3, 16])
        .get(e)
        .get(sc)
        .op(...[0x2b, 3, 24])
        .get(b0)
        .op(0xa2);
      x.op(0xa1)
        .op(0xa2)
        .op(0xa0)
        .op(...F64_STORE);
      x.get(bia)
        .get(b1)
        .get(sc)
        .op(...[0x2b, 3, 16])
        .get(e)
        .get(sc)
        .op(...[0x2b, 3, 24])
        .get(b1)
        .op(0xa2);
      x.op(0xa1)
        .op(0xa2)
        .op(0xa0)
        .op(...F64_STORE);
      // le = splat(γ·e)
      x.get(sc)
        .op(...[0x2b, 3, 8])
        .get(e)
        .op(0xa2)
        .simd(F64X2_SPLAT)
        .set(le);
      // pᵤ ← δ·pᵤ + le·qᵢ; qᵢ ← δ·qᵢ + le·pᵤ (old values), two f64x2 lanes at a time
      x.get(pu).set(pp).get(qi).set(qq);
      x.doWhile(
        (y) => {
          y.get(pp).simd(V_LOAD, 0).set(pv).get(qq).simd(V_LOAD, 0).set(qv);
          y.get(pp).get(dec).get(pv).simd(F64X2_MUL).get(le).get(qv).simd(F64X2_MUL).simd(F64X2_ADD).simd(V_STORE, 0);
          y.get(qq).get(dec).get(qv).simd(F64X2_MUL).get(le).get(pv).simd(F64X2_MUL).simd(F64X2_ADD).simd(V_STORE, 0);
          y.inc(pp, 16).inc(qq, 16);
        },
        (y) => y.get(pp).get(end).op(0x49),
      );
      x.inc(t, 1);
    },
  );
  return {
    name: 'sgdEpoch',
    params: 11,
    locals: [I32, I32, I32, I32, I32, I32, I32, I32, I32, F64, F64, F64, V128, V128, V128, V128, V128, V128],
    code: b,
  };
}

interface SgdWasmExports {
  memory: WebAssembly.Memory;
  sgdEpoch(
    order: number,
    users: number,
    items: number,
    values: number,
    n: number,
    P: number,
    Q: number,
    bu: number,
    bi: number,
    scalars: number,
    kb: number,
  ): void;
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled module (once per thread), or null without WebAssembly SIMD. */
function sgdModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  try {
    compiled = compileModule(assembleModule([sgdEpochFn()], 'export'));
  } catch {
    compiled = null;
  }
  return compiled;
}

/** The float64 training state one epoch updates in place (see mf-common.ts `SgdState`). */
export interface SgdEpochState {
  bu: Float64Array;
  bi: Float64Array;
  P: Float64Array;
  Q: Float64Array;
}

/**
 * A biased-MF SGD runner over one fresh kernel instance (its memory is freed with it): the training state is copied
 * in once, `epoch(lr, lrB, regB, decay)` runs one pass in the current order, `order` is that order (shuffle it in
 * place between epochs), and `finish()` copies the state back. Null when the kernel cannot run this shape (no
 * WebAssembly SIMD, or k not a multiple of 4).
 */
export function createSgdRunner(
  st: SgdEpochState,
  users: Int32Array,
  items: Int32Array,
  values: Float32Array,
  k: number,
  mu: number,
): { order: Int32Array; epoch(lr: number, lrB: number, regB: number, decay: number): void; finish(): void } | null {
  const mod = k > 0 && k % 4 === 0 ? sgdModule() : null;
  if (!mod) return null;
  const w = new WebAssembly.Instance(mod, {}).exports as unknown as SgdWasmExports;
  const n = values.length;
  const align = (x: number) => (x + 15) & ~15;
  const at: number[] = [];
  let total = 0;
  for (const size of [
    n * 4,
    n * 4,
    n * 4,
    n * 8,
    st.P.length * 8,
    st.Q.length * 8,
    st.bu.length * 8,
    st.bi.length * 8,
    48,
  ]) {
    at.push(total);
    total += align(size);
  }
  ensureMemoryBytes(w.memory, total);
  const buf = w.memory.buffer;
  const [oAt, uAt, iAt, vAt, pAt, qAt, buAt, biAt, sAt] = at;
  const order = new Int32Array(buf, oAt, n);
  for (let p = 0; p < n; p++) order[p] = p;
  new Int32Array(buf, uAt, n).set(users);
  new Int32Array(buf, iAt, n).set(items);
  new Float64Array(buf, vAt, n).set(values);
  const P = new Float64Array(buf, pAt, st.P.length);
  const Q = new Float64Array(buf, qAt, st.Q.length);
  const bu = new Float64Array(buf, buAt, st.bu.length);
  const bi = new Float64Array(buf, biAt, st.bi.length);
  P.set(st.P);
  Q.set(st.Q);
  bu.set(st.bu);
  bi.set(st.bi);
  const scalars = new Float64Array(buf, sAt, 6);
  scalars[0] = mu;
  return {
    order,
    epoch(lr, lrB, regB, decay) {
      scalars[1] = lr;
      scalars[2] = lrB;
      scalars[3] = regB;
      scalars[4] = decay;
      w.sgdEpoch(oAt, uAt, iAt, vAt, n, pAt, qAt, buAt, biAt, sAt, k * 8);
    },
    finish() {
      st.P.set(P);
      st.Q.set(Q);
      st.bu.set(bu);
      st.bi.set(bi);
    },
  };
}

/**
 * WebAssembly SIMD (f64x2) kernels for the implicit-ALS row solver, assembled byte by byte with
 * ../wasm-asm.ts (no toolchain, nothing fetched at build or run time). Every kernel works on one
 * module-owned linear memory; factor rows are float64 with a stride of `kp` values (k rounded up to a multiple of
 * 4, zero-padded), addressed by byte offsets. Exported kernels (all pointers are byte offsets):
 *
 * - `dotAxpy(yBase, idx, a, b, n, d, out, kp)`: out += Σⱼ (a[j] + b[j]·(yⱼ·d))·yⱼ with
 *   yⱼ = the row at yBase + idx[j] (idx: int32 byte offsets; a, b: float64) — the CG product and residual;
 * - `wsum(yBase, idx, a, n, out, kp)`: out += Σⱼ a[j]·yⱼ;
 * - `dots(yBase, idx, n, x, out, kp)`: out[j] = yⱼ·x;
 * - `cross(yBase, zBase, idx, n, m, kp)`: m[j·n + l] = yⱼ·zₗ for l ≤ j (row-major n × n lower triangle);
 * - `gemv(g, d, out, kp)`: out = G·d for the kp × kp row-major G;
 * - `gram4(rows, nGroups, out, kp)`: out += Σ_r y_r y_rᵀ over 4·nGroups rows given by absolute byte
 *   addresses (int32 list), lower triangle only (rows a, columns ≤ a rounded up to 4).
 *
 * Every inner loop runs over kp values in steps of four (two f64x2 lanes each), so kp must be a
 * positive multiple of 4. The loops are do-while: callers never pass n = 0 to a row loop they
 * cannot skip (n = 0 is handled: the outer loops test first).
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
  F64X2_NEG,
  F64X2_SPLAT,
  F64X2_SUB,
  I32,
  SimdCode,
  uleb,
  V128,
  V_LOAD,
  V_STORE,
  type WasmFunction,
} from '../core/wasm-asm';

/**
 * Emits `acc = Σ p[·]·q[·]` over kp values (p, q byte-pointer locals advanced in place, `end` the
 * stop address for p) and leaves the f64 sum on the stack. acc0/acc1 are v128 scratch locals.
 */
function emitDot(b: SimdCode, p: number, q: number, end: number, acc0: number, acc1: number): void {
  b.zero().set(acc0).zero().set(acc1);
  b.doWhile(
    (x) => {
      x.get(acc0).get(p).simd(V_LOAD, 0).get(q).simd(V_LOAD, 0).simd(F64X2_MUL).simd(F64X2_ADD).set(acc0);
      x.get(acc1).get(p).simd(V_LOAD, 16).get(q).simd(V_LOAD, 16).simd(F64X2_MUL).simd(F64X2_ADD).set(acc1);
      x.inc(p, 32).inc(q, 32);
    },
    (x) => x.get(p).get(end).op(0x49), // i32.lt_u
  );
  b.get(acc0)
    .get(acc1)
    .simd(F64X2_ADD)
    .tee(acc0)
    .simd(F64X2_EXTRACT)
    .op(0)
    .get(acc0)
    .simd(F64X2_EXTRACT)
    .op(1)
    .op(0xa0);
}

/** Emits `q[·] += w·p[·]` over kp values (w a v128 local holding the splatted weight). */
function emitAxpy(b: SimdCode, w: number, p: number, q: number, end: number): void {
  b.doWhile(
    (x) => {
      x.get(q).get(q).simd(V_LOAD, 0).get(w).get(p).simd(V_LOAD, 0).simd(F64X2_MUL).simd(F64X2_ADD).simd(V_STORE, 0);
      x.get(q).get(q).simd(V_LOAD, 16).get(w).get(p).simd(V_LOAD, 16).simd(F64X2_MUL).simd(F64X2_ADD).simd(V_STORE, 16);
      x.inc(p, 32).inc(q, 32);
    },
    (x) => x.get(p).get(end).op(0x49),
  );
}

/** out += Σⱼ (a[j] + b[j]·(yⱼ·d))·yⱼ. Params 0..7: yBase idx a b n d out kp. */
function dotAxpyFn(): WasmFunction {
  const [yBase, idx, a, bb, n, d, out, kp] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [j, yo, p, q, end, kb] = [8, 9, 10, 11, 12, 13];
  const [acc0, acc1, w] = [14, 15, 16];
  const b = new SimdCode();
  b.get(kp).i32(3).op(0x74).set(kb); // kb = kp·8
  b.i32(0).set(j);
  b.whileLoop(
    (x) => x.get(j).get(n).op(0x4e), // i32.ge_s
    (x) => {
      // yo = yBase + idx[j]
      x.get(yBase).get(idx).get(j).i32(2).op(0x74).op(0x6a).op(0x28, 2, 0).op(0x6a).set(yo);
      x.get(yo).set(p).get(d).set(q).add(yo, kb).set(end);
      emitDot(x, p, q, end, acc0, acc1);
      // w = a[j] + b[j]·s
      x.get(bb).get(j).i32(3).op(0x74).op(0x6a).op(0x2b, 3, 0).op(0xa2);
      x.get(a).get(j).i32(3).op(0x74).op(0x6a).op(0x2b, 3, 0).op(0xa0);
      x.simd(F64X2_SPLAT).set(w);
      x.get(yo).set(p).get(out).set(q);
      emitAxpy(x, w, p, q, end);
      x.inc(j, 1);
    },
  );
  return { name: 'dotAxpy', params: 8, locals: [I32, I32, I32, I32, I32, I32, V128, V128, V128], code: b };
}

/** out += Σⱼ a[j]·yⱼ. Params 0..5: yBase idx a n out kp. */
function wsumFn(): WasmFunction {
  const [yBase, idx, a, n, out, kp] = [0, 1, 2, 3, 4, 5];
  const [j, p, q, end] = [6, 7, 8, 9];
  const w = 10;
  const b = new SimdCode();
  b.i32(0).set(j);
  b.whileLoop(
    (x) => x.get(j).get(n).op(0x4e),
    (x) => {
      x.get(yBase).get(idx).get(j).i32(2).op(0x74).op(0x6a).op(0x28, 2, 0).op(0x6a).tee(p);
      x.get(kp).i32(3).op(0x74).op(0x6a).set(end);
      x.get(a).get(j).i32(3).op(0x74).op(0x6a).op(0x2b, 3, 0).simd(F64X2_SPLAT).set(w);
      x.get(out).set(q);
      emitAxpy(x, w, p, q, end);
      x.inc(j, 1);
    },
  );
  return { name: 'wsum', params: 6, locals: [I32, I32, I32, I32, V128], code: b };
}

/** out[j] = yⱼ·x. Params 0..5: yBase idx n x out kp. */
function dotsFn(): WasmFunction {
  const [yBase, idx, n, xv, out, kp] = [0, 1, 2, 3, 4, 5];
  const [j, p, q, end] = [6, 7, 8, 9];
  const [acc0, acc1] = [10, 11];
  const b = new SimdCode();
  b.i32(0).set(j);
  b.whileLoop(
    (x) => x.get(j).get(n).op(0x4e),
    (x) => {
      x.get(out).get(j).i32(3).op(0x74).op(0x6a); // store address
      x.get(yBase).get(idx).get(j).i32(2).op(0x74).op(0x6a).op(0x28, 2, 0).op(0x6a).tee(p);
      x.get(kp).i32(3).op(0x74).op(0x6a).set(end);
      x.get(xv).set(q);
      emitDot(x, p, q, end, acc0, acc1);
      x.op(0x39, 3, 0); // f64.store
      x.inc(j, 1);
    },
  );
  return { name: 'dots', params: 6, locals: [I32, I32, I32, I32, V128, V128], code: b };
}

/** m[j·n + l] = yⱼ·zₗ for l ≤ j. Params 0..5: yBase zBase idx n m kp. */
function crossFn(): WasmFunction {
  const [yBase, zBase, idx, n, m, kp] = [0, 1, 2, 3, 4, 5];
  const [j, l, yo, p, q, end] = [6, 7, 8, 9, 10, 11];
  const [acc0, acc1] = [12, 13];
  const b = new SimdCode();
  b.i32(0).set(j);
  b.whileLoop(
    (x) => x.get(j).get(n).op(0x4e),
    (x) => {
      x.get(yBase).get(idx).get(j).i32(2).op(0x74).op(0x6a).op(0x28, 2, 0).op(0x6a).set(yo);
      x.i32(0).set(l);
      x.doWhile(
        (y) => {
          // address of m[j·n + l]
          y.get(m).get(j).get(n).op(0x6c).get(l).op(0x6a).i32(3).op(0x74).op(0x6a);
          y.get(yo).tee(p).get(kp).i32(3).op(0x74).op(0x6a).set(end);
          y.get(zBase).get(idx).get(l).i32(2).op(0x74).op(0x6a).op(0x28, 2, 0).op(0x6a).set(q);
          emitDot(y, p, q, end, acc0, acc1);
          y.op(0x39, 3, 0);
          y.inc(l, 1);
        },
        (y) => y.get(l).get(j).op(0x4c), // i32.le_s
      );
      x.inc(j, 1);
    },
  );
  return { name: 'cross', params: 6, locals: [I32, I32, I32, I32, I32, I32, V128, V128], code: b };
}

/** out = G·d. Params 0..3: g d out kp. */
function gemvFn(): WasmFunction {
  const [g, d, out, kp] = [0, 1, 2, 3];
  const [f, p, q, end] = [4, 5, 6, 7];
  const [acc0, acc1] = [8, 9];
  const b = new SimdCode();
  b.i32(0).set(f);
  b.get(g).set(p);
  b.doWhile(
    (x) => {
      x.get(out).get(f).i32(3).op(0x74).op(0x6a);
      x.get(p).get(kp).i32(3).op(0x74).op(0x6a).set(end);
      x.get(d).set(q);
      emitDot(x, p, q, end, acc0, acc1); // p ends at the next row of G
      x.op(0x39, 3, 0);
      x.inc(f, 1);
    },
    (x) => x.get(f).get(kp).op(0x48), // i32.lt_s
  );
  return { name: 'gemv', params: 4, locals: [I32, I32, I32, I32, V128, V128], code: b };
}

/**
 * out[a][0..⌈a⌉₄] += Σ over 4 rows r of r[a]·r[0..]: the lower triangle of the Gram update, 4 rows
 * per pass so each output vector is loaded and stored once per four rank-1 updates.
 * Params 0..3: rows nGroups out kp.
 */
function gram4Fn(): WasmFunction {
  const [rows, nGroups, out, kp] = [0, 1, 2, 3];
  const [gi, r0, r1, r2, r3, a, o, pb, lim] = [4, 5, 6, 7, 8, 9, 10, 11, 12];
  const [s0, s1, s2, s3] = [13, 14, 15, 16];
  const b = new SimdCode();
  b.i32(0).set(gi);
  b.whileLoop(
    (x) => x.get(gi).get(nGroups).op(0x4e),
    (x) => {
      const rowAddr = (slot: number, local: number): void => {
        x.get(rows)
          .get(gi)
          .i32(4)
          .op(0x74)
          .op(0x6a)
          .op(0x28, 2, slot * 4)
          .set(local);
      };
      rowAddr(0, r0);
      rowAddr(1, r1);
      rowAddr(2, r2);
      rowAddr(3, r3);
      x.i32(0).set(a);
      x.get(out).set(o);
      x.doWhile(
        (y) => {
          const splat = (r: number, s: number): void => {
            y.get(r).get(a).i32(3).op(0x74).op(0x6a).op(0x2b, 3, 0).simd(F64X2_SPLAT).set(s);
          };
          splat(r0, s0);
          splat(r1, s1);
          splat(r2, s2);
          splat(r3, s3);
          y.i32(0).set(pb);
          y.get(a).i32(3).op(0x74).set(lim); // columns 0..a (bytes), stepping 4 values
          y.doWhile(
            (z) => {
              for (const off of [0, 16]) {
                z.get(o).get(pb).op(0x6a); // store address
                z.get(o).get(pb).op(0x6a).simd(V_LOAD, off);
                for (const [r, s] of [
                  [r0, s0],
                  [r1, s1],
                  [r2, s2],
                  [r3, s3],
                ]) {
                  z.get(s).get(r).get(pb).op(0x6a).simd(V_LOAD, off).simd(F64X2_MUL).simd(F64X2_ADD);
                }
                z.simd(V_STORE, off);
              }
              z.inc(pb, 32);
            },
            (z) => z.get(pb).get(lim).op(0x4c), // pb ≤ a·8 (i32.le_s)
          );
          y.get(o).get(kp).i32(3).op(0x74).op(0x6a).set(o);
          y.inc(a, 1);
        },
        (y) => y.get(a).get(kp).op(0x48),
      );
      x.inc(gi, 1);
    },
  );
  return {
    name: 'gram4',
    params: 4,
    locals: [I32, I32, I32, I32, I32, I32, I32, I32, I32, V128, V128, V128, V128],
    code: b,
  };
}

/** Function indices inside the module (order of `fns` in {@link alsWasmBytes}). */
const FN_DOT_AXPY = 0;
const FN_WSUM = 1;
const FN_DOTS = 2;
const FN_CROSS = 3;
const FN_GEMV = 4;

/**
 * Up to `steps` CG steps on (G + Yᵣᵀ D Yᵣ)x = Σ c y for one row, all vectors in memory (kp float64,
 * zero padding): r = Σ (c − (c−1)(y·x)) y − G x, d = r, then per step Ad = G d + Σ (c−1)(y·d) y,
 * α = r·r / d·Ad, x += α d, r −= α Ad, d = r + β d — the loop of `runCg` in als-kernel.ts, here so
 * a CG row costs one call. Stops on r·r < 1e-20 or d·Ad ≤ 0.
 * Params 0..13: g yBase idx c nc cm1 zeros n x r d ad kp steps.
 */
function cgRowFn(): WasmFunction {
  const [g, yBase, idx, c, nc, cm1, zeros, n, x, r, d, ad, kp, steps, flat] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
  ];
  const [step, p, q, end, kb] = [15, 16, 17, 18, 19];
  const [rr, rrNew, alpha] = [20, 21, 22];
  const [acc0, acc1, av] = [23, 24, 25];
  const b = new SimdCode();
  const call = (fn: number, ...args: number[]): void => {
    for (const a of args) b.get(a);
    b.op(0x10, ...uleb(fn));
  };
  /** Leaves u·v (kp values at the pointers in locals u, v) on the stack. */
  const dot = (u: number, v: number): void => {
    b.get(u).set(p).get(v).set(q).add(u, kb).set(end);
    emitDot(b, p, q, end, acc0, acc1);
  };
  /** for p over [0, kb) step 16: body(p) (p is a byte offset local). */
  const each = (body: () => void): void => {
    b.i32(0).set(p);
    b.doWhile(
      () => {
        body();
        b.inc(p, 16);
      },
      (y) => y.get(p).get(kb).op(0x48),
    );
  };
  b.get(kp).i32(3).op(0x74).set(kb);
  call(FN_GEMV, g, x, r, kp);
  each(() => {
    b.add(r, p).add(r, p).simd(V_LOAD, 0).simd(F64X2_NEG).simd(V_STORE, 0);
  });
  // flat (every c − 1 of the row is 0): r += Σ cⱼyⱼ, the same bits as Σ (cⱼ + (−0)·(yⱼ·x))·yⱼ without the dots.
  b.get(flat).op(0x04, 0x40);
  call(FN_WSUM, yBase, idx, c, n, r, kp);
  b.op(0x05);
  call(FN_DOT_AXPY, yBase, idx, c, nc, n, x, r, kp);
  b.op(0x0b);
  each(() => {
    b.add(d, p).add(r, p).simd(V_LOAD, 0).simd(V_STORE, 0);
  });
  dot(r, r);
  b.set(rr);
  b.i32(0).set(step);
  b.whileLoop(
    (y) => {
      // leave when step ≥ steps or rr < 1e-20
      y.get(step).get(steps).op(0x4e);
      y.get(rr)
        .op(0x44, ...f64Bytes(1e-20))
        .op(0x63)
        .op(0x72); // i32.or
    },
    () => {
      call(FN_GEMV, g, d, ad, kp);
      // flat: Σ (0 + 0·(yⱼ·d))·yⱼ adds only zeros to Ad, so it is skipped.
      b.get(flat).op(0x45).op(0x04, 0x40); // if !flat
      call(FN_DOT_AXPY, yBase, idx, zeros, cm1, n, d, ad, kp);
      b.op(0x0b);
      dot(d, ad);
      b.set(alpha); // d·Ad for now
      b.op(0x02, 0x40); // block: skip the step when d·Ad ≤ 0 (then leave the loop)
      b.get(alpha)
        .op(0x44, ...f64Bytes(0))
        .op(0x64)
        .op(0x0d, 0); // br_if 0 when d·Ad > 0
      b.get(steps).set(step); // force the loop exit
      b.op(0x0c, 2); // br to the outer block (leave the while loop)
      b.op(0x0b);
      b.get(rr).get(alpha).op(0xa3).set(alpha); // α = rr / dAd
      b.get(alpha).simd(F64X2_SPLAT).set(av);
      b.zero().set(acc0);
      each(() => {
        // x += α d
        b.add(x, p)
          .add(x, p)
          .simd(V_LOAD, 0)
          .get(av)
          .add(d, p)
          .simd(V_LOAD, 0)
          .simd(F64X2_MUL)
          .simd(F64X2_ADD)
          .simd(V_STORE, 0);
        // r −= α Ad; acc += r²
        b.add(r, p)
          .add(r, p)
          .simd(V_LOAD, 0)
          .get(av)
          .add(ad, p)
          .simd(V_LOAD, 0)
          .simd(F64X2_MUL)
          .simd(F64X2_SUB)
          .simd(V_STORE, 0);
        b.get(acc0).add(r, p).simd(V_LOAD, 0).add(r, p).simd(V_LOAD, 0).simd(F64X2_MUL).simd(F64X2_ADD).set(acc0);
      });
      b.get(acc0).simd(F64X2_EXTRACT).op(0).get(acc0).simd(F64X2_EXTRACT).op(1).op(0xa0).set(rrNew);
      b.get(rrNew).get(rr).op(0xa3).simd(F64X2_SPLAT).set(av); // β
      each(() => {
        // d = r + β d
        b.add(d, p)
          .add(r, p)
          .simd(V_LOAD, 0)
          .get(av)
          .add(d, p)
          .simd(V_LOAD, 0)
          .simd(F64X2_MUL)
          .simd(F64X2_ADD)
          .simd(V_STORE, 0);
      });
      b.get(rrNew).set(rr);
      b.inc(step, 1);
    },
  );
  return { name: 'cgRow', params: 15, locals: [I32, I32, I32, I32, I32, F64, F64, F64, V128, V128, V128], code: b };
}

/**
 * The exact Woodbury solve of one row (see `solveRows` in als-kernel.ts), all in memory: x = z₀ −
 * Σ tⱼ zⱼ with z₀ = Σ cⱼ zⱼ, t = M⁻¹ Yᵣ z₀, M = diag(1/(c−1)) + Yᵣ Zᵣᵀ (zⱼ = G⁻¹yⱼ), M factored by
 * Cholesky in place (row-oriented, as linalg.ts). `nc` (n float64) is overwritten with −t.
 * Returns 1, or 0 when M is not numerically positive definite.
 * Params 0..10: yBase zBase idx c cm1 nc n x m s kp.
 */
function woodburyRowFn(): WasmFunction {
  const [yBase, zBase, idx, c, cm1, nc, n, x, m, s, kp] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const [i, j, p] = [11, 12, 13];
  const acc = 14;
  const b = new SimdCode();
  const call = (fn: number, ...args: number[]): void => {
    for (const a of args) b.get(a);
    b.op(0x10, ...uleb(fn));
  };
  /** Pushes the byte address of M[r][q] (locals r, q). */
  const mAt = (r: number, q: number): void => {
    b.get(m).get(r).get(n).op(0x6c).get(q).op(0x6a).i32(3).op(0x74).op(0x6a);
  };
  /** Pushes the byte address of vector element v[q] (float64). */
  const vAt = (v: number, q: number): void => {
    b.get(v).get(q).i32(3).op(0x74).op(0x6a);
  };
  const F64_LOAD = [0x2b, 3, 0];
  const F64_STORE = [0x39, 3, 0];
  /** for (q = from; q < to; q++) body — `to` a local; runs zero times when from ≥ to. */
  const forUp = (q: number, from: () => void, to: number, body: () => void): void => {
    from();
    b.set(q);
    b.whileLoop(
      () => b.get(q).get(to).op(0x4e), // q ≥ to → leave
      () => {
        body();
        b.inc(q, 1);
      },
    );
  };
  // x = 0 (kp values), then z₀ = Σ cⱼ zⱼ, s = Yᵣ z₀, M = Yᵣ Zᵣᵀ (lower triangle).
  b.i32(0).set(p);
  b.doWhile(
    () => {
      b.add(x, p).zero().simd(V_STORE, 0);
      b.inc(p, 16);
    },
    () => b.get(p).get(kp).i32(3).op(0x74).op(0x48),
  );
  call(FN_WSUM, zBase, idx, c, n, x, kp);
  call(FN_DOTS, yBase, idx, n, x, s, kp);
  call(FN_CROSS, yBase, zBase, idx, n, m, kp);
  // M[j][j] += 1/(c−1)ⱼ
  forUp(
    j,
    () => b.i32(0),
    n,
    () => {
      mAt(j, j);
      mAt(j, j);
      b.op(...F64_LOAD).op(0x44, ...f64Bytes(1));
      vAt(cm1, j);
      b.op(...F64_LOAD)
        .op(0xa3)
        .op(0xa0)
        .op(...F64_STORE);
    },
  );
  // Cholesky, row form: M[i][j] = (M[i][j] − Σ_{p<j} M[i][p]·M[j][p]) / M[j][j], diagonal by sqrt.
  forUp(
    i,
    () => b.i32(0),
    n,
    () => {
      b.i32(0).set(j);
      b.doWhile(
        () => {
          mAt(i, j);
          b.op(...F64_LOAD).set(acc);
          forUp(
            p,
            () => b.i32(0),
            j,
            () => {
              b.get(acc);
              mAt(i, p);
              b.op(...F64_LOAD);
              mAt(j, p);
              b.op(...F64_LOAD)
                .op(0xa2)
                .op(0xa1)
                .set(acc);
            },
          );
          b.get(i).get(j).op(0x46); // i == j
          b.op(0x04, 0x40); // if
          b.get(acc)
            .op(0x44, ...f64Bytes(0))
            .op(0x64)
            .op(0x45); // !(acc > 0)
          b.op(0x04, 0x40).i32(0).op(0x0f, 0x0b); // if → return 0
          mAt(i, i);
          b.get(acc)
            .op(0x9f)
            .op(...F64_STORE); // sqrt
          b.op(0x05); // else
          mAt(i, j);
          b.get(acc);
          mAt(j, j);
          b.op(...F64_LOAD)
            .op(0xa3)
            .op(...F64_STORE);
          b.op(0x0b); // end if
          b.inc(j, 1);
        },
        () => b.get(j).get(i).op(0x4c), // j ≤ i
      );
    },
  );
  // Forward L y = s, then backward Lᵀ t = y, in s.
  /** s[i] = acc / M[i][i] */
  const storeDiv = (): void => {
    vAt(s, i);
    b.get(acc);
    mAt(i, i);
    b.op(...F64_LOAD)
      .op(0xa3)
      .op(...F64_STORE);
  };
  forUp(
    i,
    () => b.i32(0),
    n,
    () => {
      vAt(s, i);
      b.op(...F64_LOAD).set(acc);
      forUp(
        p,
        () => b.i32(0),
        i,
        () => {
          b.get(acc);
          mAt(i, p);
          b.op(...F64_LOAD);
          vAt(s, p);
          b.op(...F64_LOAD)
            .op(0xa2)
            .op(0xa1)
            .set(acc);
        },
      );
      storeDiv();
    },
  );
  b.get(n).i32(1).op(0x6b).set(i);
  b.whileLoop(
    () => b.get(i).i32(0).op(0x48), // i < 0 → leave
    () => {
      vAt(s, i);
      b.op(...F64_LOAD).set(acc);
      forUp(
        p,
        () => b.get(i).i32(1).op(0x6a),
        n,
        () => {
          b.get(acc);
          mAt(p, i);
          b.op(...F64_LOAD);
          vAt(s, p);
          b.op(...F64_LOAD)
            .op(0xa2)
            .op(0xa1)
            .set(acc);
        },
      );
      storeDiv();
      b.get(i).i32(1).op(0x6b).set(i);
    },
  );
  // nc = −t; x −= Σ tⱼ zⱼ
  forUp(
    j,
    () => b.i32(0),
    n,
    () => {
      vAt(nc, j);
      b.op(0x44, ...f64Bytes(0));
      vAt(s, j);
      b.op(...F64_LOAD)
        .op(0xa1)
        .op(...F64_STORE);
    },
  );
  call(FN_WSUM, zBase, idx, nc, n, x, kp);
  b.i32(1);
  return { name: 'woodburyRow', params: 11, locals: [I32, I32, I32, F64], code: b, results: [I32] };
}

/** The module's bytes: one exported memory ("memory") and the kernels above. */
export function alsWasmBytes(): Uint8Array<ArrayBuffer> {
  return assembleModule(
    [dotAxpyFn(), wsumFn(), dotsFn(), crossFn(), gemvFn(), gram4Fn(), cgRowFn(), woodburyRowFn()],
    'export',
  );
}

export interface AlsWasm {
  memory: WebAssembly.Memory;
  dotAxpy(yBase: number, idx: number, a: number, b: number, n: number, d: number, out: number, kp: number): void;
  wsum(yBase: number, idx: number, a: number, n: number, out: number, kp: number): void;
  dots(yBase: number, idx: number, n: number, x: number, out: number, kp: number): void;
  cross(yBase: number, zBase: number, idx: number, n: number, m: number, kp: number): void;
  gemv(g: number, d: number, out: number, kp: number): void;
  gram4(rows: number, nGroups: number, out: number, kp: number): void;
  woodburyRow(
    yBase: number,
    zBase: number,
    idx: number,
    c: number,
    cm1: number,
    nc: number,
    n: number,
    x: number,
    m: number,
    s: number,
    kp: number,
  ): number;
  cgRow(
    g: number,
    yBase: number,
    idx: number,
    c: number,
    nc: number,
    cm1: number,
    zeros: number,
    n: number,
    x: number,
    r: number,
    d: number,
    ad: number,
    kp: number,
    steps: number,
    flat: number,
  ): void;
}

let cached: AlsWasm | null | undefined;

/**
 * The kernels, instantiated once per thread; null when this runtime lacks WebAssembly SIMD (the
 * callers then use their plain TypeScript loops).
 */
export function alsWasm(): AlsWasm | null {
  if (cached !== undefined) return cached;
  try {
    const mod = compileModule(alsWasmBytes());
    cached = mod ? (new WebAssembly.Instance(mod, {}).exports as unknown as AlsWasm) : null;
  } catch {
    cached = null;
  }
  return cached;
}

/** Grows the kernels' memory to at least `bytes`. Views on the memory must be re-created afterwards. */
export function ensureWasmBytes(w: AlsWasm, bytes: number): void {
  ensureMemoryBytes(w.memory, bytes);
}

/** Padded stride: k rounded up to a multiple of 4. */
export function paddedK(k: number): number {
  return (k + 3) & ~3;
}

/**
 * WebAssembly kernels for the served hybrid's sparse scoring loops (serving.ts: EASE and item-kNN accumulation, the
 * content profile and the content cosine), assembled byte by byte with wasm-asm.ts (no toolchain, nothing fetched).
 * They run about twice as fast as the same loops in TypeScript for long histories (no bounds checks, no reloads of typed-
 * array bases per entry). Each kernel performs exactly the floating-point operations of its TypeScript twin in
 * serving.ts, in the same order — float32 loads promoted to float64, float64 products and sums, one rounding to
 * float32 where the TypeScript stores into a Float32Array — so the scores are bit-identical.
 *
 * Every pointer is a byte offset into the instance's own memory; `idx` arrays are 16-bit (unsigned) or 32-bit:
 *
 * - `scatter(indptr, idx, vals, acc, rows, nRows)`: for each listed row j, acc[idx[p]] += vals[p] over the row's
 *   entries (acc float64, vals float32);
 * - `scatterWeighted(indptr, idx, vals, acc, rows, weights, nRows)`: acc[idx[p]] = f32(acc[idx[p]] + w_t·vals[p])
 *   for the t-th listed row with weight w_t (acc float32, weights float64);
 * - `gather(indptr, idx, vals, dense, mask, out, nRows)`: out[r] = f32(Σ_p vals[p]·dense[idx[p]]) for every row r
 *   with mask[r] = 0, out[r] = 0 otherwise (dense float32, mask bytes);
 * - `argmax(indptr, idx, vals, slot, best, from, rows, nRows)`: for each listed row j and entry p with
 *   x = slot[idx[p]] ≥ 0, if vals[p] > best[x] then best[x] = vals[p], from[x] = j (slot / from int32, best float64:
 *   the largest entry per slot, the first row on ties).
 */

import { assembleModule, Code, compileModule, ensureMemoryBytes, F64, I32, type WasmFunction } from '../core/wasm-asm';

/** The shared emitter plus the addressing and loop shapes of the CSR kernels. */
class CsrCode extends Code {
  /** base + (index << shift), left on the stack. */
  addr(base: number, index: number, shift: number): this {
    this.get(base).get(index);
    if (shift > 0) this.i32(shift).op(0x74);
    return this.op(0x6a);
  }
  /** Loads an index of `wide` (32-bit) or 16-bit width from the address on the stack. */
  loadIdx(wide: boolean): this {
    return wide ? this.op(0x28, 2, 0) : this.op(0x2f, 1, 0);
  }
  /** `for (; i < n; i++) body` with i32 locals (signed compare). */
  forRange(i: number, n: number, body: (c: this) => void): this {
    return this.whileLoop(
      (c) => c.get(i).get(n).op(0x4e), // i ≥ n → leave
      (c) => {
        body(c);
        c.inc(i, 1);
      },
    );
  }
  /** `while (ptr < end) { body; ptr += step }` over byte pointers (unsigned compare), other pointers in `also`. */
  walk(ptr: number, end: number, step: number, also: [number, number][], body: (c: this) => void): this {
    return this.whileLoop(
      (c) => c.get(ptr).get(end).op(0x4f), // ptr ≥ end (unsigned) → leave
      (c) => {
        body(c);
        c.inc(ptr, step);
        for (const [local, by] of also) c.inc(local, by);
      },
    );
  }
}

/**
 * Sets ip / vp / ie to the byte range of row `row` (local holding the row number): ip = idx + start·w,
 * vp = vals + start·4, ie = idx + end·w.
 */
function rowRange(
  c: CsrCode,
  indptr: number,
  idx: number,
  vals: number,
  row: number,
  w: number,
  ip: number,
  vp: number,
  ie: number,
  tmp: number,
): void {
  const shift = w === 4 ? 2 : 1;
  c.addr(indptr, row, 2).tee(tmp).op(0x28, 2, 0).tee(ip).i32(2).op(0x74).get(vals).op(0x6a).set(vp);
  c.get(tmp).op(0x28, 2, 4).i32(shift).op(0x74).get(idx).op(0x6a).set(ie);
  c.get(ip).i32(shift).op(0x74).get(idx).op(0x6a).set(ip);
}

function scatterFn(wide: boolean): WasmFunction {
  const [indptr, idx, vals, acc, rows, nRows] = [0, 1, 2, 3, 4, 5];
  const [t, j, ip, vp, ie, tmp, a] = [6, 7, 8, 9, 10, 11, 12];
  const w = wide ? 4 : 2;
  const c = new CsrCode();
  c.i32(0).set(t);
  c.forRange(t, nRows, (b) => {
    b.addr(rows, t, 2).op(0x28, 2, 0).set(j);
    rowRange(b, indptr, idx, vals, j, w, ip, vp, ie, tmp);
    b.walk(ip, ie, w, [[vp, 4]], (x) => {
      // a = acc + idx[ip]·8; f64[a] = f64[a] + f64(f32[vp])
      x.get(acc).get(ip).loadIdx(wide).i32(3).op(0x74).op(0x6a).tee(a);
      x.get(a).op(0x2b, 3, 0).get(vp).op(0x2a, 2, 0).op(0xbb).op(0xa0).op(0x39, 3, 0);
    });
  });
  return { name: wide ? 'scatter32' : 'scatter16', params: 6, locals: [I32, I32, I32, I32, I32, I32, I32], code: c };
}

function scatterWeightedFn(wide: boolean): WasmFunction {
  const [indptr, idx, vals, acc, rows, weights, nRows] = [0, 1, 2, 3, 4, 5, 6];
  const [t, j, ip, vp, ie, tmp, a] = [7, 8, 9, 10, 11, 12, 13];
  const wt = 14;
  const w = wide ? 4 : 2;
  const c = new CsrCode();
  c.i32(0).set(t);
  c.forRange(t, nRows, (b) => {
    b.addr(rows, t, 2).op(0x28, 2, 0).set(j);
    b.addr(weights, t, 3).op(0x2b, 3, 0).set(wt);
    rowRange(b, indptr, idx, vals, j, w, ip, vp, ie, tmp);
    b.walk(ip, ie, w, [[vp, 4]], (x) => {
      // a = acc + idx[ip]·4; f32[a] = f32(f64(f32[a]) + w_t·f64(f32[vp]))
      x.get(acc).get(ip).loadIdx(wide).i32(2).op(0x74).op(0x6a).tee(a);
      x.get(a)
        .op(0x2a, 2, 0)
        .op(0xbb)
        .get(wt)
        .get(vp)
        .op(0x2a, 2, 0)
        .op(0xbb)
        .op(0xa2)
        .op(0xa0)
        .op(0xb6)
        .op(0x38, 2, 0);
    });
  });
  return {
    name: wide ? 'scatterWeighted32' : 'scatterWeighted16',
    params: 7,
    locals: [I32, I32, I32, I32, I32, I32, I32, F64],
    code: c,
  };
}

function gatherFn(wide: boolean): WasmFunction {
  const [indptr, idx, vals, dense, mask, out, nRows] = [0, 1, 2, 3, 4, 5, 6];
  const [r, ip, vp, ie, tmp] = [7, 8, 9, 10, 11];
  const d = 12;
  const w = wide ? 4 : 2;
  const c = new CsrCode();
  c.i32(0).set(r);
  c.forRange(r, nRows, (b) => {
    // out + r·4 stays on the stack for the store at the end of either branch.
    b.addr(out, r, 2);
    b.get(mask).get(r).op(0x6a).op(0x2d, 0, 0); // mask[r]
    b.op(0x04, 0x7d); // if → f32
    b.op(0x43, 0, 0, 0, 0); // f32.const 0
    b.op(0x05); // else
    rowRange(b, indptr, idx, vals, r, w, ip, vp, ie, tmp);
    b.op(0x44, 0, 0, 0, 0, 0, 0, 0, 0).set(d); // d = 0.0
    b.walk(ip, ie, w, [[vp, 4]], (x) => {
      // d = d + f64(f32[vp])·f64(f32[dense + idx[ip]·4])
      x.get(d).get(vp).op(0x2a, 2, 0).op(0xbb);
      x.get(dense).get(ip).loadIdx(wide).i32(2).op(0x74).op(0x6a).op(0x2a, 2, 0).op(0xbb);
      x.op(0xa2).op(0xa0).set(d);
    });
    b.get(d).op(0xb6); // f32.demote
    b.op(0x0b); // end if
    b.op(0x38, 2, 0); // f32.store
  });
  return { name: wide ? 'gather32' : 'gather16', params: 7, locals: [I32, I32, I32, I32, I32, F64], code: c };
}

function argmaxFn(wide: boolean): WasmFunction {
  const [indptr, idx, vals, slot, best, from, rows, nRows] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [t, j, ip, vp, ie, tmp, x] = [8, 9, 10, 11, 12, 13, 14];
  const [v, ba] = [15, 16];
  const w = wide ? 4 : 2;
  const c = new CsrCode();
  c.i32(0).set(t);
  c.forRange(t, nRows, (b) => {
    b.addr(rows, t, 2).op(0x28, 2, 0).set(j);
    rowRange(b, indptr, idx, vals, j, w, ip, vp, ie, tmp);
    b.walk(ip, ie, w, [[vp, 4]], (y) => {
      // x = slot[idx[ip]]; if (x ≥ 0 && vals > best[x]) { best[x] = vals; from[x] = j }
      y.get(slot).get(ip).loadIdx(wide).i32(2).op(0x74).op(0x6a).op(0x28, 2, 0).tee(x);
      y.i32(0).op(0x4e); // x ≥ 0
      y.op(0x04, 0x40);
      y.get(vp).op(0x2a, 2, 0).op(0xbb).set(v);
      y.addr(best, x, 3).set(ba);
      y.get(v).get(ba).op(0x2b, 3, 0).op(0x64); // f64.gt
      y.op(0x04, 0x40);
      y.get(ba).get(v).op(0x39, 3, 0);
      y.addr(from, x, 2).get(j).op(0x36, 2, 0);
      y.op(0x0b, 0x0b);
    });
  });
  return {
    name: wide ? 'argmax32' : 'argmax16',
    params: 8,
    locals: [I32, I32, I32, I32, I32, I32, I32, F64, I32],
    code: c,
  };
}

/** The module: memory imported as env.memory, the kernels exported by name. */
export function servingWasmBytes(): Uint8Array<ArrayBuffer> {
  return assembleModule(
    [
      scatterFn(false),
      scatterFn(true),
      scatterWeightedFn(false),
      scatterWeightedFn(true),
      gatherFn(false),
      gatherFn(true),
      argmaxFn(false),
      argmaxFn(true),
    ],
    'import',
  );
}

type Kernel6 = (a: number, b: number, c: number, d: number, e: number, f: number) => void;
type Kernel7 = (a: number, b: number, c: number, d: number, e: number, f: number, g: number) => void;
type Kernel8 = (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number) => void;

interface Exports {
  scatter16: Kernel6;
  scatter32: Kernel6;
  scatterWeighted16: Kernel7;
  scatterWeighted32: Kernel7;
  gather16: Kernel7;
  gather32: Kernel7;
  argmax16: Kernel8;
  argmax32: Kernel8;
}

/** A CSR table copied into kernel memory (byte offsets), indices 16-bit when every one fits. */
export interface WasmCsr {
  indptr: number;
  idx: number;
  vals: number;
  wide: boolean;
}

let compiled: WebAssembly.Module | null | undefined;

function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    compiled = compileModule(servingWasmBytes());
  }
  return compiled;
}

/**
 * One kernel instance with its own memory: tables and buffers are placed with {@link alloc} / {@link putCsr}
 * (the memory grows as needed), then typed-array views are taken once placement is done (growing detaches views).
 * Not reentrant: one request at a time per instance (JavaScript runs one per thread).
 */
export class ServingWasm {
  readonly memory: WebAssembly.Memory;
  private readonly fns: Exports;
  private top = 8;

  private constructor(memory: WebAssembly.Memory, fns: Exports) {
    this.memory = memory;
    this.fns = fns;
  }

  /** A new instance, or null when this runtime has no WebAssembly (callers keep their TypeScript loops). */
  static create(): ServingWasm | null {
    const mod = kernelModule();
    if (!mod) return null;
    const memory = new WebAssembly.Memory({ initial: 1 });
    const inst = new WebAssembly.Instance(mod, { env: { memory } });
    return new ServingWasm(memory, inst.exports as unknown as Exports);
  }

  /** `bytes` of zeroed memory, 8-byte aligned; returns its offset. */
  alloc(bytes: number): number {
    const at = this.top;
    this.top = at + ((bytes + 7) & ~7);
    ensureMemoryBytes(this.memory, this.top);
    return at;
  }

  /** Copies a CSR table (indptr of nRows + 1 offsets, indices, float32 values) into memory. */
  putCsr(indptr: Int32Array, indices: Int32Array, values: Float32Array): WasmCsr {
    let max = 0;
    let min = 0;
    for (let p = 0; p < indices.length; p++) {
      if (indices[p] > max) max = indices[p];
      if (indices[p] < min) min = indices[p];
    }
    const wide = max > 0xffff || min < 0;
    const ip = this.alloc(indptr.length * 4);
    const ix = this.alloc(indices.length * (wide ? 4 : 2));
    const vs = this.alloc(values.length * 4);
    new Int32Array(this.memory.buffer, ip, indptr.length).set(indptr);
    if (wide) new Int32Array(this.memory.buffer, ix, indices.length).set(indices);
    else new Uint16Array(this.memory.buffer, ix, indices.length).set(indices);
    new Float32Array(this.memory.buffer, vs, values.length).set(values);
    return { indptr: ip, idx: ix, vals: vs, wide };
  }

  f64(at: number, n: number): Float64Array {
    return new Float64Array(this.memory.buffer, at, n);
  }
  f32(at: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, at, n);
  }
  i32(at: number, n: number): Int32Array {
    return new Int32Array(this.memory.buffer, at, n);
  }
  u8(at: number, n: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, at, n);
  }

  /** acc[idx[p]] += vals[p] over the rows listed at `rows` (int32 × nRows); acc float64. */
  scatter(t: WasmCsr, acc: number, rows: number, nRows: number): void {
    (t.wide ? this.fns.scatter32 : this.fns.scatter16)(t.indptr, t.idx, t.vals, acc, rows, nRows);
  }

  /** acc[idx[p]] = f32(acc[idx[p]] + weights[t]·vals[p]) over the listed rows; acc float32, weights float64. */
  scatterWeighted(t: WasmCsr, acc: number, rows: number, weights: number, nRows: number): void {
    (t.wide ? this.fns.scatterWeighted32 : this.fns.scatterWeighted16)(
      t.indptr,
      t.idx,
      t.vals,
      acc,
      rows,
      weights,
      nRows,
    );
  }

  /** For each listed row j, entry p with x = slot[idx[p]] ≥ 0: vals[p] > best[x] → best[x] = vals[p], from[x] = j. */
  argmax(t: WasmCsr, slot: number, best: number, from: number, rows: number, nRows: number): void {
    (t.wide ? this.fns.argmax32 : this.fns.argmax16)(t.indptr, t.idx, t.vals, slot, best, from, rows, nRows);
  }

  /** out[r] = f32(Σ vals[p]·dense[idx[p]]) for rows r < nRows with mask[r] = 0, else 0; dense/out float32. */
  gather(t: WasmCsr, dense: number, mask: number, out: number, nRows: number): void {
    (t.wide ? this.fns.gather32 : this.fns.gather16)(t.indptr, t.idx, t.vals, dense, mask, out, nRows);
  }
}

/**
 * Tables derived from a loaded model once and cached by model (WeakMap): compact EASE rows, narrowed index arrays,
 * CSR views, and the serving WebAssembly kernels (kernels/serving-wasm.ts), switchable off for tests and benchmarks
 * ({@link setScoringKernels}). Every kernel is bit-identical to its TypeScript loop (kernels.test.ts).
 */
import type { Csr } from '../core/types';
import { ServingWasm, type WasmCsr } from '../kernels/serving-wasm';
import type { ServingModel } from './model';

/** 16-bit copies of index arrays whose values all fit (less memory traffic in the hot loops), cached per array. */
const narrowCache = new WeakMap<Int32Array, Uint16Array | Int32Array>();

export function narrowed(indices: Int32Array): Uint16Array | Int32Array {
  let c = narrowCache.get(indices);
  if (c) return c;
  let max = 0;
  for (let p = 0; p < indices.length; p++) if (indices[p] > max) max = indices[p];
  c = max <= 0xffff && indices.every((x) => x >= 0) ? Uint16Array.from(indices) : indices;
  narrowCache.set(indices, c);
  return c;
}

export function asCsr(model: ServingModel): Csr {
  const X = model.contentVectors;
  return { nRows: model.itemIds.length, nCols: X.nCols, indptr: X.indptr, indices: X.indices, values: X.values };
}

/**
 * The scoring tables copied into a WebAssembly kernel instance (serving-wasm.ts) with its accumulators and
 * per-request buffers (views on its memory), built once per loaded model: ≈ 6 bytes per stored EASE / kNN /
 * content entry. The kernels give the same sums as the TypeScript loops (bit-identical scores).
 */
interface ScoringKernels {
  wasm: ServingWasm;
  ease: WasmCsr;
  easeAcc: number;
  easeAccView: Float64Array;
  knn: WasmCsr;
  knnAcc: number;
  knnAccView: Float64Array;
  content: WasmCsr;
  /** Dense content profile (all zero between requests), the rated-item mask and the cosine output. */
  profile: number;
  profileView: Float32Array;
  mask: number;
  maskView: Uint8Array;
  out: number;
  outView: Float32Array;
  /** Row lists (and weights) of one call; histories longer than `capacity` use the TypeScript loops. */
  rows: number;
  rowsView: Int32Array;
  weights: number;
  weightsView: Float64Array;
  capacity: number;
  /** Explanations: page slot of each item (kNN) / modelled position (EASE), best term and its rated movie per slot. */
  slotKnn: number;
  slotKnnView: Int32Array;
  slotEase: number;
  slotEaseView: Int32Array;
  bestKnn: number;
  bestKnnView: Float64Array;
  bestEase: number;
  bestEaseView: Float64Array;
  fromKnn: number;
  fromKnnView: Int32Array;
  fromEase: number;
  fromEaseView: Int32Array;
}

const scoringKernels = new WeakMap<ServingModel, ScoringKernels | null>();

let kernelsEnabled = true;

/**
 * Switches the WebAssembly scoring kernels on or off for this thread (on by default; off = the TypeScript loops,
 * e.g. to compare both paths). Returns the previous setting.
 */
export function setScoringKernels(on: boolean): boolean {
  const was = kernelsEnabled;
  kernelsEnabled = on;
  return was;
}

export function kernelsOf(model: ServingModel): ScoringKernels | null {
  if (!kernelsEnabled) return null;
  let k = scoringKernels.get(model);
  if (k !== undefined) return k;
  const wasm = ServingWasm.create();
  if (!wasm) {
    scoringKernels.set(model, null);
    return null;
  }
  const n = model.itemIds.length;
  const c = compactEaseOf(model);
  const X = model.contentVectors;
  const ease = wasm.putCsr(model.ease.indptr, Int32Array.from(c.local), model.ease.sims);
  const knn = wasm.putCsr(model.knnReverse.indptr, model.knnReverse.indices, model.knnReverse.sims);
  const content = wasm.putCsr(X.indptr, X.indices, X.values);
  const easeAcc = wasm.alloc(c.items.length * 8);
  const knnAcc = wasm.alloc(n * 8);
  const profile = wasm.alloc(X.nCols * 4);
  const mask = wasm.alloc(n);
  const out = wasm.alloc(n * 4);
  const rows = wasm.alloc(n * 4);
  const weights = wasm.alloc(n * 8);
  const slotKnn = wasm.alloc(n * 4);
  const slotEase = wasm.alloc(c.items.length * 4);
  const bestKnn = wasm.alloc(n * 8);
  const bestEase = wasm.alloc(n * 8);
  const fromKnn = wasm.alloc(n * 4);
  const fromEase = wasm.alloc(n * 4);
  // Views last: placing memory may grow it, which detaches earlier views.
  k = {
    wasm,
    ease,
    easeAcc,
    easeAccView: wasm.f64(easeAcc, c.items.length),
    knn,
    knnAcc,
    knnAccView: wasm.f64(knnAcc, n),
    content,
    profile,
    profileView: wasm.f32(profile, X.nCols),
    mask,
    maskView: wasm.u8(mask, n),
    out,
    outView: wasm.f32(out, n),
    rows,
    rowsView: wasm.i32(rows, n),
    weights,
    weightsView: wasm.f64(weights, n),
    capacity: n,
    slotKnn,
    slotKnnView: wasm.i32(slotKnn, n),
    slotEase,
    slotEaseView: wasm.i32(slotEase, c.items.length),
    bestKnn,
    bestKnnView: wasm.f64(bestKnn, n),
    bestEase,
    bestEaseView: wasm.f64(bestEase, n),
    fromKnn,
    fromKnnView: wasm.i32(fromKnn, n),
    fromEase,
    fromEaseView: wasm.i32(fromEase, n),
  };
  scoringKernels.set(model, k);
  return k;
}

/** EASE's B with its column indices renumbered over the modelled items (a small, cache-resident accumulator). */
interface CompactEase {
  /** Item index of each modelled item, ascending. */
  items: Int32Array;
  /** Per stored entry of B, the modelled position of its column (16-bit when they fit: less memory traffic). */
  local: Uint16Array | Int32Array;
  acc: Float64Array;
}

const compactEase = new WeakMap<ServingModel, CompactEase>();

export function compactEaseOf(model: ServingModel): CompactEase {
  let c = compactEase.get(model);
  if (c) return c;
  const pos = new Int32Array(model.itemIds.length).fill(-1);
  const items: number[] = [];
  for (let i = 0; i < pos.length; i++) if (model.easeModelled[i]) pos[i] = items.push(i) - 1;
  const { indices } = model.ease;
  const wide = new Int32Array(indices.length);
  for (let p = 0; p < indices.length; p++) {
    const l = pos[indices[p]];
    // An entry outside the modelled set (not produced by the fit) keeps its own slot at the end.
    wide[p] = l >= 0 ? l : (pos[indices[p]] = items.push(indices[p]) - 1);
  }
  const local = items.length <= 0xffff ? Uint16Array.from(wide) : wide;
  c = { items: Int32Array.from(items), local, acc: new Float64Array(items.length) };
  compactEase.set(model, c);
  return c;
}

/**
 * Plain-data models ⇄ (JSON meta, named typed-array blobs), so any model made only of numbers, strings, nested
 * objects and typed arrays can be stored as database rows (or files) and loaded back bit-identically.
 */
import { ShapeError } from './types';

type Typed = Float32Array | Float64Array | Int32Array | Uint8Array;
const CTORS = { f32: Float32Array, f64: Float64Array, i32: Int32Array, u8: Uint8Array } as const;
export type Dtype = keyof typeof CTORS;

export interface Blob {
  name: string;
  dtype: Dtype;
  length: number;
  /** Little-endian bytes (the platform order of every machine we run on is checked at load). */
  data: Uint8Array;
}

function dtypeOf(v: unknown): Dtype | null {
  if (v instanceof Float32Array) return 'f32';
  if (v instanceof Float64Array) return 'f64';
  if (v instanceof Int32Array) return 'i32';
  if (v instanceof Uint8Array) return 'u8';
  return null;
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Splits a plain-data model into JSON-safe meta (typed arrays replaced by `{ $blob: name }`) and blobs. */
export function serializeModel(model: object): { meta: unknown; blobs: Blob[] } {
  if (!LITTLE_ENDIAN) throw new ShapeError('big-endian platforms are not supported');
  const blobs: Blob[] = [];
  const walk = (v: unknown, path: string): unknown => {
    const dtype = dtypeOf(v);
    if (dtype) {
      const arr = v as Typed;
      blobs.push({
        name: path,
        dtype,
        length: arr.length,
        data: new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength),
      });
      return { $blob: path };
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}[${i}]`));
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, path ? `${path}.${k}` : k)]));
    }
    if (typeof v === 'number' && !Number.isFinite(v)) throw new ShapeError(`non-finite number at ${path}`);
    return v;
  };
  return { meta: walk(model, ''), blobs };
}

/** Inverse of {@link serializeModel}. Copies each blob into an aligned typed array. */
export function deserializeModel<T>(meta: unknown, blobs: readonly Blob[]): T {
  const byName = new Map(blobs.map((b) => [b.name, b]));
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const ref = (v as { $blob?: string }).$blob;
      if (typeof ref === 'string') {
        const b = byName.get(ref);
        if (!b) throw new ShapeError(`missing blob ${ref}`);
        const Ctor = CTORS[b.dtype];
        if (b.data.byteLength !== b.length * Ctor.BYTES_PER_ELEMENT) {
          throw new ShapeError(`blob ${ref}: ${b.data.byteLength} bytes for ${b.length} × ${b.dtype}`);
        }
        const out = new Ctor(b.length);
        new Uint8Array(out.buffer).set(b.data);
        return out;
      }
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return walk(meta) as T;
}

/**
 * SHA-256 over every value reachable from a model (typed arrays by their bytes, numbers by their float64 bits,
 * keys in insertion order), to prove two fits bit-identical. Functions count by name only.
 */
import { createHash, type Hash } from 'node:crypto';

function feed(h: Hash, v: unknown, seen: Set<object>): void {
  if (v === null || v === undefined) return void h.update(`<${String(v)}>`);
  switch (typeof v) {
    case 'number': {
      const b = new Float64Array([v]);
      return void h.update(new Uint8Array(b.buffer));
    }
    case 'string':
      return void h.update(`s${v.length}:${v}`);
    case 'boolean':
    case 'bigint':
      return void h.update(`${typeof v}:${String(v)}`);
    case 'function':
      return void h.update(`fn:${v.name}`);
  }
  const o = v as object;
  if (ArrayBuffer.isView(o)) {
    h.update(`${o.constructor.name}[${o.byteLength}]`);
    return void h.update(new Uint8Array(o.buffer, o.byteOffset, o.byteLength));
  }
  if (seen.has(o)) return void h.update('<seen>');
  seen.add(o);
  if (o instanceof Map) {
    h.update(`Map${o.size}`);
    for (const [k, x] of o) {
      feed(h, k, seen);
      feed(h, x, seen);
    }
    return;
  }
  if (Array.isArray(o)) {
    h.update(`[${o.length}`);
    for (const x of o) feed(h, x, seen);
    return void h.update(']');
  }
  h.update('{');
  for (const [k, x] of Object.entries(o)) {
    h.update(`k${k}`);
    feed(h, x, seen);
  }
  h.update('}');
}

/** Digest of `model` and the number of typed arrays it holds. */
export function modelDigest(model: unknown): { sha256: string; arrays: number } {
  const h = createHash('sha256');
  let arrays = 0;
  const count = (v: unknown, seen: Set<object>): void => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (ArrayBuffer.isView(v)) return void arrays++;
    for (const x of v instanceof Map ? v.values() : Object.values(v)) count(x, seen);
  };
  feed(h, model, new Set());
  count(model, new Set());
  return { sha256: h.digest('hex'), arrays };
}

import { describe, expect, it } from 'vitest';
import { invertSpd, invertSpdTs, WASM_INVERSE_MIN_N } from './linalg';
import { invertSpdWasm } from './linalg-wasm';
import { createRng } from './rng';

/** A random SPD matrix XᵀX + λI (X: 2n × n with sparse 0/1 entries, like EASE's Gram matrix). */
function spd(n: number, seed: number, lambda = 3): Float64Array {
  const rng = createRng(seed);
  const rows = 2 * n;
  const x = new Float64Array(rows * n);
  for (let r = 0; r < rows * n; r++) x[r] = rng.next() < 0.2 ? (rng.next() < 0.5 ? 1 : 0.4 + rng.next()) : 0;
  const g = new Float64Array(n * n);
  for (let r = 0; r < rows; r++)
    for (let a = 0; a < n; a++)
      if (x[r * n + a] !== 0) for (let b = 0; b < n; b++) g[a * n + b] += x[r * n + a] * x[r * n + b];
  for (let a = 0; a < n; a++) g[a * n + a] += lambda;
  return g;
}

describe('invertSpdWasm', () => {
  it.each([1, 2, 3, 4, 5, 7, 8, 9, 33, 64, 131, 200])('is bit-identical to the TypeScript inverse (n = %i)', (n) => {
    const g = spd(n, n);
    const ts = invertSpdTs(g.slice(), n)!;
    const wasm = invertSpdWasm(g.slice(), n);
    expect(wasm).not.toBeUndefined(); // the runtime has WebAssembly SIMD (Node 20 does)
    expect(wasm).not.toBeNull();
    expect(Array.from(wasm!)).toEqual(Array.from(ts));
    // And it is an inverse: G·G⁻¹ = I.
    let err = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < n; p++) s += g[i * n + p] * wasm![p * n + j];
        err = Math.max(err, Math.abs(s - (i === j ? 1 : 0)));
      }
    }
    expect(err).toBeLessThan(1e-9);
  });

  it('says a matrix that is not positive definite is not (null), like the TypeScript path', () => {
    const g = spd(20, 1);
    g[5 * 20 + 5] = -1;
    expect(invertSpdWasm(g.slice(), 20)).toBeNull();
    expect(invertSpdTs(g.slice(), 20)).toBeNull();
  });

  it('is what invertSpd uses from WASM_INVERSE_MIN_N on, and leaves other sizes to TypeScript', () => {
    const n = WASM_INVERSE_MIN_N + 3;
    const g = spd(n, 9);
    expect(Array.from(invertSpd(g.slice(), n)!)).toEqual(Array.from(invertSpdTs(g.slice(), n)!));
    expect(invertSpdWasm(new Float64Array(4), 3)).toBeUndefined(); // wrong shape
  });
});

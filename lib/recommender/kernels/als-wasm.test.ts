import { describe, expect, it } from 'vitest';
import { alsWasm, ensureWasmBytes, paddedK } from './als-wasm';
import { gramWasm, planWoodbury, solveRows } from './als-solve';
import { solveRowsJs } from './als-kernel';
import { implicitConfidence, regularizedGram } from '../algorithms/implicit-als';
import { gram } from '../core/linalg';
import { plantedRatings } from '../testing/mf-test-data';
import { createRng } from '../core/rng';

describe('ALS WebAssembly SIMD kernels', () => {
  const w = alsWasm();

  it('are available on this runtime (Node ≥ 20 has WebAssembly SIMD)', () => {
    expect(w).not.toBeNull();
    expect(paddedK(1)).toBe(4);
    expect(paddedK(8)).toBe(8);
    expect(paddedK(9)).toBe(12);
  });

  it('compute the gathered products on a hand-worked 4-wide example', () => {
    if (!w) return;
    ensureWasmBytes(w, 1 << 16);
    const m64 = new Float64Array(w.memory.buffer);
    const m32 = new Int32Array(w.memory.buffer);
    const kp = 4;
    const Y = 1024; // three rows of 4 float64 at byte 1024
    m64.set([1, 2, 3, 4, 0, 1, 0, 1, 2, 2, 2, 2], Y / 8);
    m32.set([0, 2 * 32], 0); // gathered rows 0 and 2 (byte offsets from Y)
    const A = 64;
    const B = 96;
    const D = 128;
    const OUT = 160;
    m64.set([1, 0.5], A / 8);
    m64.set([2, -1], B / 8);
    m64.set([1, 0, 2, 1], D / 8);
    m64.fill(0, OUT / 8, OUT / 8 + 4);
    // row 0: y·d = 1 + 0 + 6 + 4 = 11, weight 1 + 2·11 = 23; row 2: y·d = 8, weight 0.5 − 8 = −7.5
    w.dotAxpy(Y, 0, A, B, 2, D, OUT, kp);
    expect(Array.from(m64.subarray(OUT / 8, OUT / 8 + 4))).toEqual([23 - 15, 46 - 15, 69 - 15, 92 - 15]);
    w.dots(Y, 0, 2, D, OUT, kp);
    expect(Array.from(m64.subarray(OUT / 8, OUT / 8 + 2))).toEqual([11, 8]);
    m64.fill(0, OUT / 8, OUT / 8 + 4);
    w.wsum(Y, 0, A, 2, OUT, kp); // 1·row0 + 0.5·row2
    expect(Array.from(m64.subarray(OUT / 8, OUT / 8 + 4))).toEqual([2, 3, 4, 5]);
    w.cross(Y, Y, 0, 2, OUT, kp); // lower triangle of [[30, ·], [20, 16]]
    expect([m64[OUT / 8], m64[OUT / 8 + 2], m64[OUT / 8 + 3]]).toEqual([30, 20, 16]);
    const Gm = 2048;
    m64.set([2, 1, 0, 0, 1, 3, 0, 0, 0, 0, 1, 0, 0, 0, 0, 4], Gm / 8);
    w.gemv(Gm, D, OUT, kp);
    expect(Array.from(m64.subarray(OUT / 8, OUT / 8 + 4))).toEqual([2, 1, 2, 4]);
  });

  it('match the plain TypeScript solver (CG and Woodbury rows) and the plain Gram, including padded k', () => {
    const data = plantedRatings(60, 45, 0.25, 11);
    for (const k of [6, 8]) {
      const { byUser } = implicitConfidence(data, { alpha: 3, threshold: 3, confidence: 'binary' });
      const rng = createRng(k);
      const Y = Float32Array.from({ length: 45 * k }, () => rng.normal() * 0.3);
      const X0 = Float32Array.from({ length: 60 * k }, () => rng.normal() * 0.1);
      const G = regularizedGram(Y, 45, k, 0.5);
      const plain = gram(Y, 45, k);
      const simd = gramWasm(Y, 45, k)!;
      for (let p = 0; p < k * k; p++) expect(simd[p]).toBeCloseTo(plain[p], 9);
      const plan = planWoodbury(byUser, Y, G, k, 3, false);
      expect(plan.Z).not.toBeNull();
      for (const [Z, wbMax] of [
        [null, -1],
        [plan.Z, 6],
      ] as const) {
        const a = Float32Array.from(X0);
        const b = Float32Array.from(X0);
        solveRows(a, Y, G, byUser, k, 0, 60, 'cg', 3, Z, wbMax);
        solveRowsJs(b, Y, G, byUser, k, 0, 60, 'cg', 3, Z, wbMax);
        for (let p = 0; p < a.length; p++) expect(a[p]).toBeCloseTo(b[p], 5);
      }
    }
  });

  it('solve rows whose positives all have c = 1 (alpha 0) as the plain TypeScript CG does, skipping the zero terms', () => {
    const data = plantedRatings(60, 45, 0.25, 12);
    for (const k of [6, 8]) {
      const { byUser } = implicitConfidence(data, { alpha: 0, threshold: 3, confidence: 'binary' });
      expect(byUser.values.every((v) => v === 0)).toBe(true);
      const rng = createRng(k + 1);
      const Y = Float32Array.from({ length: 45 * k }, () => rng.normal() * 0.3);
      const X0 = Float32Array.from({ length: 60 * k }, () => rng.normal() * 0.1);
      const G = regularizedGram(Y, 45, k, 0.5);
      const a = Float32Array.from(X0);
      const b = Float32Array.from(X0);
      solveRows(a, Y, G, byUser, k, 0, 60, 'cg', 3);
      solveRowsJs(b, Y, G, byUser, k, 0, 60, 'cg', 3);
      expect(Array.from(a)).not.toEqual(Array.from(X0));
      for (let p = 0; p < a.length; p++) expect(a[p]).toBeCloseTo(b[p], 5);
    }
  });
});

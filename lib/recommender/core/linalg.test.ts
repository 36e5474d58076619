import { describe, expect, it } from 'vitest';
import { choleskyInPlace, gram, invertSpd, solveSpdInPlace } from './linalg';
import { createRng } from './rng';

/** A random SPD matrix MᵀM + n·I (row-major). */
function randomSpd(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const m = Float32Array.from({ length: n * n }, () => rng.normal());
  const a = gram(m, n, n);
  for (let i = 0; i < n; i++) a[i * n + i] += n;
  return a;
}

describe('dense linear algebra', () => {
  it('factors a 3 × 3 SPD matrix into the hand-computed Cholesky factor', () => {
    // [[4,2,2],[2,5,3],[2,3,6]] = L Lᵀ with L = [[2,0,0],[1,2,0],[1,1,2]]
    const a = Float64Array.of(4, 2, 2, 2, 5, 3, 2, 3, 6);
    expect(choleskyInPlace(a, 3)).toBe(true);
    expect([a[0], a[3], a[4], a[6], a[7], a[8]]).toEqual([2, 1, 2, 1, 1, 2]);
    expect(choleskyInPlace(Float64Array.of(1, 2, 2, 1), 2)).toBe(false); // indefinite
  });

  it('solves A x = b', () => {
    const a = Float64Array.of(4, 2, 2, 2, 5, 3, 2, 3, 6);
    const b = Float64Array.of(8, 10, 11); // x = (1, 1, 1)
    expect(solveSpdInPlace(a, 3, b)).toBe(true);
    for (const v of b) expect(v).toBeCloseTo(1, 12);
  });

  it('inverts SPD matrices of odd and even sizes (A·A⁻¹ = I)', () => {
    for (const n of [1, 2, 5, 17, 40]) {
      const a = randomSpd(n, n);
      const inv = invertSpd(Float64Array.from(a), n);
      expect(inv).not.toBeNull();
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p < n; p++) s += a[i * n + p] * inv![p * n + j];
          expect(s).toBeCloseTo(i === j ? 1 : 0, 10);
        }
      }
    }
    expect(invertSpd(Float64Array.of(0, 0, 0, 0), 2)).toBeNull();
  });
});

describe('gram', () => {
  it('equals FᵀF computed naively, for row counts that are not multiples of four', () => {
    for (const n of [1, 3, 4, 7, 10]) {
      const rng = createRng(n);
      const k = 5;
      const f = Float32Array.from({ length: n * k }, (_, p) => (p % 3 === 0 ? 0 : rng.normal()));
      const g = gram(f, n, k);
      for (let a = 0; a < k; a++) {
        for (let b = 0; b < k; b++) {
          let s = 0;
          for (let r = 0; r < n; r++) s += f[r * k + a] * f[r * k + b];
          expect(g[a * k + b]).toBeCloseTo(s, 10);
        }
      }
    }
  });
});

/**
 * Checks shared by the SGD factor models' tests (biased MF, SVD++): the analytic gradient against
 * central finite differences, and "one epoch on one rating is exactly one gradient step".
 */
import { expect } from 'vitest';
import { createRng } from '../core/rng';
import type { SgdFactorModel } from '../algorithms/mf-common';

/** The model with seeded non-zero biases, so every gradient term is exercised (mutates and returns it). */
export function withRandomBiases<M extends SgdFactorModel>(m: M): M {
  const rng = createRng(99);
  for (let u = 0; u < m.nUsers; u++) m.userBias[u] = rng.normal() * 0.3;
  for (let i = 0; i < m.nItems; i++) m.itemBias[i] = rng.normal() * 0.3;
  return m;
}

/**
 * Every parameter's analytic gradient matches the central difference of `loss` with step 1e-2
 * (the step is measured after float32 rounding), to 2e-3 relative.
 */
export function expectFiniteDifferenceGradient<P extends string>(
  model: Record<P, Float32Array>,
  params: readonly P[],
  loss: () => number,
  grad: Record<P, Float64Array>,
): void {
  for (const name of params) {
    const arr = model[name];
    for (let p = 0; p < arr.length; p++) {
      const x = arr[p];
      arr[p] = x + 1e-2;
      const hiX = arr[p];
      const hi = loss();
      arr[p] = x - 1e-2;
      const loX = arr[p];
      const lo = loss();
      arr[p] = x;
      const fd = (hi - lo) / (hiX - loX);
      expect(Math.abs(fd - grad[name][p])).toBeLessThan(2e-3 * Math.max(1, Math.abs(fd)));
    }
  }
}

/** `after` = `init` − lr·grad for every parameter (to 6 decimals). */
export function expectOneGradientStep<P extends string>(
  init: Record<P, Float32Array>,
  after: Record<P, Float32Array>,
  grad: Record<P, Float64Array>,
  params: readonly P[],
  lr: number,
): void {
  for (const name of params) {
    for (let p = 0; p < init[name].length; p++)
      expect(after[name][p]).toBeCloseTo(init[name][p] - lr * grad[name][p], 6);
  }
}

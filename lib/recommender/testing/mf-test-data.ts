/**
 * Small seeded synthetic rating sets for the factor-model tests (planted low-rank tastes plus noise).
 * Test support only; not used by production code.
 */
import { createRng } from '../core/rng';
import { buildRatingMatrix, type BuiltRatingMatrix } from '../core/sparse';

/**
 * nUsers × nItems ratings r = clip(round(3 + uᵀv + noise)) on a 1–5 scale, each cell observed with
 * probability `density`. Every user and item keeps at least one rating. Deterministic in `seed`.
 */
export function plantedRatings(
  nUsers: number,
  nItems: number,
  density: number,
  seed: number,
  rank = 2,
): BuiltRatingMatrix {
  const rng = createRng(seed);
  const U = Array.from({ length: nUsers * rank }, () => rng.normal());
  const V = Array.from({ length: nItems * rank }, () => rng.normal());
  const u: number[] = [];
  const i: number[] = [];
  const r: number[] = [];
  for (let a = 0; a < nUsers; a++) {
    for (let b = 0; b < nItems; b++) {
      if (rng.next() >= density && b !== a % nItems && a !== b % nUsers) continue;
      let s = 3;
      for (let f = 0; f < rank; f++) s += 0.8 * U[a * rank + f] * V[b * rank + f];
      s += 0.3 * rng.normal();
      u.push(a + 1);
      i.push(b + 1);
      r.push(Math.min(5, Math.max(1, Math.round(s))));
    }
  }
  return buildRatingMatrix(
    { userIds: Int32Array.from(u), itemIds: Int32Array.from(i), ratings: Float32Array.from(r) },
    { scale: [1, 5] },
  );
}

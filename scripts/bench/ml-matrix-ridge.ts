/**
 * ml-matrix vs the engine's small SPD solve (core/linalg.ts solveSmallSpd) on ridge systems of the rating blend's size
 * (F = 6, 12, 20), for issue #20. Prints microseconds per solve and whether the weights agree in float32.
 *
 *   npx tsx scripts/bench/ml-matrix-ridge.ts
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { solveSmallSpd } from '../../lib/recommender/core/linalg';
import { createRng } from '../../lib/recommender/core/rng';
const rng = createRng(1);
const out: Record<string, unknown> = {};
for (const F of [6, 12, 20]) {
  const N = 2000; // rows
  const X = Array.from({ length: N * F }, () => rng.next() * 2 - 1);
  const xtx = new Float64Array(F * F); const xty = new Float64Array(F);
  for (let r = 0; r < N; r++) { const y = rng.next() * 5; for (let a = 0; a < F; a++) { xty[a] += X[r * F + a] * y; for (let b = 0; b < F; b++) xtx[a * F + b] += X[r * F + a] * X[r * F + b]; } }
  for (let f = 1; f < F; f++) xtx[f * F + f] += 10;
  const reps = 20000;
  let t = performance.now(); let ours: Float64Array | number = 0;
  for (let i = 0; i < reps; i++) ours = solveSmallSpd(xtx.slice(), F, xty);
  const tOurs = (performance.now() - t) / reps * 1e3;
  t = performance.now(); let theirs: number[] = [];
  for (let i = 0; i < reps; i++) {
    const A = new Matrix(F, F); for (let a = 0; a < F; a++) for (let b = 0; b < F; b++) A.set(a, b, xtx[a * F + b]);
    theirs = new CholeskyDecomposition(A).solve(Matrix.columnVector(Array.from(xty))).to1DArray();
  }
  const tTheirs = (performance.now() - t) / reps * 1e3;
  const o = ours as Float64Array;
  let maxDiff = 0, identical = true;
  for (let f = 0; f < F; f++) { maxDiff = Math.max(maxDiff, Math.abs(o[f] - theirs[f])); if (Math.fround(o[f]) !== Math.fround(theirs[f])) identical = false; }
  out[`F=${F}`] = { oursMicroseconds: +tOurs.toFixed(2), mlMatrixMicroseconds: +tTheirs.toFixed(2), maxAbsDiff: maxDiff, float32Identical: identical };
}
console.log(JSON.stringify(out, null, 1));

/**
 * A catalogue-coverage floor for a served ranking blend, calibrated without labels.
 *
 * Coverage@10 (distinct items in the union of the users' top-10 lists / nItems) is a property of the lists a model
 * produces for its own users from their training ratings; no held-out data is needed to measure it. Given every
 * calibration user's score vector s(0) and a global per-item penalty column p (added to the blend unstandardised),
 * the blend with the penalty weight lowered by δ scores s(δ) = s(0) − δ·p. {@link smallestCoveringDelta} returns the
 * smallest δ of an ascending grid whose lists reach the floor: the least change to the blend that meets the
 * constraint on this grid (coverage is not monotone in δ in general, so the first grid value that reaches it is
 * taken, not a bisection). This is the product constraint "at least this share of the catalogue is shown to
 * somebody" (aggregate diversity, Adomavicius & Kwon 2012), enforced on the served model instead of estimated.
 */
import { createTopScratch, offerTop, type TopScratch } from './select-top';
import { ShapeError } from './types';

export interface CoverageScores {
  nUsers: number;
  nItems: number;
  /** nUsers × nItems, row-major: each calibration user's score of every item before the penalty (s(0)). */
  scores: Float32Array;
  /** Items a user's list may not contain (their rated items), as CSR over the calibration users. */
  excludedIndptr: Int32Array;
  excludedIndices: Int32Array;
}

/** The default δ grid: 0, 0.025, …, 3. */
export const COVERAGE_DELTA_GRID: readonly number[] = Array.from({ length: 121 }, (_, j) => j * 0.025);

/**
 * Accumulates coverage@k over users' lists: each {@link CoverageCounter.add} ranks one user's scores (minus
 * δ·penalty), skips the excluded items and marks the top k. Ties go to the lower item index, as topKFromScores ranks.
 */
export class CoverageCounter {
  private readonly seen: Uint8Array;
  private readonly banned: Uint8Array;
  private readonly heap: TopScratch;
  private distinct = 0;

  constructor(
    readonly nItems: number,
    readonly k = 10,
  ) {
    this.seen = new Uint8Array(nItems);
    this.banned = new Uint8Array(nItems);
    this.heap = createTopScratch(k);
  }

  /** One user's list: O(nItems · log k). */
  add(scores: Float32Array, excluded: ArrayLike<number>, penalty?: Float32Array, delta = 0): void {
    const { nItems, k, banned, seen, heap } = this;
    if (scores.length !== nItems) throw new ShapeError(`scores ${scores.length} ≠ ${nItems} items`);
    if (penalty && penalty.length !== nItems) throw new ShapeError(`penalty ${penalty.length} ≠ ${nItems} items`);
    for (let t = 0; t < excluded.length; t++) banned[excluded[t]] = 1;
    let size = 0;
    for (let i = 0; i < nItems; i++) {
      if (banned[i]) continue;
      const s = penalty && delta !== 0 ? scores[i] - delta * penalty[i] : scores[i];
      if (!Number.isNaN(s)) size = offerTop(heap, size, k, s, i);
    }
    for (let x = 0; x < size; x++) {
      const i = heap.id[x];
      if (!seen[i]) {
        seen[i] = 1;
        this.distinct++;
      }
    }
    for (let t = 0; t < excluded.length; t++) banned[excluded[t]] = 0;
  }

  /** Distinct items in the lists so far / nItems (0 without items). */
  get coverage(): number {
    return this.nItems > 0 ? this.distinct / this.nItems : 0;
  }
}

/** Coverage@k of every calibration user's list ranked by s(0) − δ·p. O(nUsers · nItems · log k). */
export function coverageAt(input: CoverageScores, penalty: Float32Array, delta: number, k = 10): number {
  const { nUsers, nItems, scores, excludedIndptr, excludedIndices } = input;
  if (scores.length !== nUsers * nItems) throw new ShapeError(`scores ${scores.length} ≠ ${nUsers} × ${nItems}`);
  const counter = new CoverageCounter(nItems, k);
  for (let u = 0; u < nUsers; u++) {
    counter.add(scores.subarray(u * nItems, (u + 1) * nItems), excludedIndices.subarray(excludedIndptr[u], excludedIndptr[u + 1]), penalty, delta);
  }
  return counter.coverage;
}

export interface CoveringDelta {
  /** Position in the grid of the chosen δ. */
  index: number;
  delta: number;
  /** Coverage@10 of the lists at that δ (linear form). */
  coverage: number;
  /** Whether that coverage reaches the floor. */
  reached: boolean;
}

/**
 * The smallest δ of `grid` (ascending, from `fromIndex`) at which {@link coverageAt} ≥ `floor`. When none does
 * (reached = false), the smallest δ with the highest coverage, so a floor out of reach never leaves the lists less
 * varied than they can be on the grid. O(steps · nUsers · nItems · log k).
 */
export function smallestCoveringDelta(input: CoverageScores, penalty: Float32Array, floor: number, grid: readonly number[] = COVERAGE_DELTA_GRID, fromIndex = 0): CoveringDelta {
  if (grid.length === 0) throw new ShapeError('empty δ grid');
  let best: CoveringDelta | null = null;
  for (let j = Math.max(0, fromIndex); j < grid.length; j++) {
    const coverage = coverageAt(input, penalty, grid[j]);
    if (coverage >= floor) return { index: j, delta: grid[j], coverage, reached: true };
    if (!best || coverage > best.coverage) best = { index: j, delta: grid[j], coverage, reached: false };
  }
  return best ?? { index: grid.length - 1, delta: grid[grid.length - 1], coverage: coverageAt(input, penalty, grid[grid.length - 1]), reached: false };
}

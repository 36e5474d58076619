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

/**
 * Each calibration user's best `m` candidates under s(0) (their rated items already left out), as CSR over the
 * users: the search ranks these only. An item outside a user's top m would need a penalty gap of
 * s(0)_(10) − s(0)_(m) to enter their top 10; the served check after the search ranks every item.
 */
export interface CoverageScores {
  nUsers: number;
  nItems: number;
  /** User x's candidates are entries [indptr[x], indptr[x + 1]). */
  indptr: Int32Array;
  items: Int32Array;
  /** s(0) of each entry. */
  scores: Float32Array;
}

/** Candidates kept per calibration user. */
export const COVERAGE_CANDIDATES = 500;

/** A user's `m` best unexcluded items by score (ties: lower index), in no particular order. O(nItems · log m). */
export function topCandidates(scores: Float32Array, excluded: ArrayLike<number>, m = COVERAGE_CANDIDATES): { items: Int32Array; scores: Float32Array } {
  const banned = new Uint8Array(scores.length);
  for (let t = 0; t < excluded.length; t++) banned[excluded[t]] = 1;
  const heap = createTopScratch(m);
  let size = 0;
  for (let i = 0; i < scores.length; i++) if (!banned[i] && !Number.isNaN(scores[i])) size = offerTop(heap, size, m, scores[i], i);
  return { items: heap.id.slice(0, size), scores: Float32Array.from(heap.score.subarray(0, size)) };
}

/** Packs per-user candidate lists into {@link CoverageScores}. */
export function packCandidates(nItems: number, lists: readonly { items: Int32Array; scores: Float32Array }[]): CoverageScores {
  const indptr = new Int32Array(lists.length + 1);
  lists.forEach((l, x) => (indptr[x + 1] = indptr[x] + l.items.length));
  const items = new Int32Array(indptr[lists.length]);
  const scores = new Float32Array(indptr[lists.length]);
  lists.forEach((l, x) => {
    items.set(l.items, indptr[x]);
    scores.set(l.scores, indptr[x]);
  });
  return { nUsers: lists.length, nItems, indptr, items, scores };
}

/** The default δ grid: 0, 0.025, …, 3. */
export const COVERAGE_DELTA_GRID: readonly number[] = Array.from({ length: 121 }, (_, j) => j * 0.025);

/**
 * Accumulates coverage@k over users' lists: each {@link CoverageCounter.add} ranks one user's scores, skips the
 * excluded items and marks the top k. Ties go to the lower item index, as topKFromScores ranks.
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
  add(scores: Float32Array, excluded: ArrayLike<number>): void {
    const { nItems, k, banned, seen, heap } = this;
    if (scores.length !== nItems) throw new ShapeError(`scores ${scores.length} ≠ ${nItems} items`);
    for (let t = 0; t < excluded.length; t++) banned[excluded[t]] = 1;
    let size = 0;
    for (let i = 0; i < nItems; i++) if (!banned[i] && !Number.isNaN(scores[i])) size = offerTop(heap, size, k, scores[i], i);
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

/** Coverage@k of every calibration user's list ranked by s(0) − δ·p over their candidates. O(entries · log k). */
export function coverageAt(input: CoverageScores, penalty: Float32Array, delta: number, k = 10): number {
  const { nUsers, nItems, indptr, items, scores } = input;
  if (penalty.length !== nItems) throw new ShapeError(`penalty ${penalty.length} ≠ ${nItems} items`);
  if (indptr.length !== nUsers + 1 || items.length !== scores.length) throw new ShapeError('malformed candidate lists');
  if (nItems === 0) return 0;
  const seen = new Uint8Array(nItems);
  const heap = createTopScratch(k);
  let distinct = 0;
  for (let u = 0; u < nUsers; u++) {
    let size = 0;
    for (let e = indptr[u]; e < indptr[u + 1]; e++) size = offerTop(heap, size, k, scores[e] - delta * penalty[items[e]], items[e]);
    for (let x = 0; x < size; x++) {
      if (!seen[heap.id[x]]) {
        seen[heap.id[x]] = 1;
        distinct++;
      }
    }
  }
  return distinct / nItems;
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

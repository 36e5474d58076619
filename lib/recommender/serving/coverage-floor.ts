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
import { createTopScratch, offerTop, topOrder, type TopScratch } from '../core/select-top';
import { ShapeError } from '../core/types';

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
  /** 1 where a user's candidates are all of their unrated items. */
  complete?: Uint8Array;
  /**
   * Every user's entries are in non-increasing score order (set by {@link packCandidates}): ranking them can stop at
   * the first entry that cannot enter the top k whatever its penalty, because no later one can either.
   */
  descending?: boolean;
}

/** Candidates kept per calibration user. */
export const COVERAGE_CANDIDATES = 500;

/**
 * A user's `m` best unexcluded items by score (ties: lower index), best first — or, when all of them fit, every one in
 * index order. `complete` when they are all of the user's unexcluded items. O(nItems · log m).
 */
export function topCandidates(
  scores: Float32Array,
  excluded: ArrayLike<number>,
  m = COVERAGE_CANDIDATES,
): { items: Int32Array; scores: Float32Array; complete: boolean } {
  const banned = new Uint8Array(scores.length);
  for (let t = 0; t < excluded.length; t++) banned[excluded[t]] = 1;
  if (m >= scores.length) {
    // Every item fits: no selection, index order.
    const items: number[] = [];
    for (let i = 0; i < scores.length; i++) if (!banned[i] && !Number.isNaN(scores[i])) items.push(i);
    return { items: Int32Array.from(items), scores: Float32Array.from(items, (i) => scores[i]), complete: true };
  }
  const heap = createTopScratch(m);
  let size = 0;
  let offered = 0;
  for (let i = 0; i < scores.length; i++) {
    if (banned[i] || Number.isNaN(scores[i])) continue;
    offered++;
    size = offerTop(heap, size, m, scores[i], i);
  }
  return { ...heapInOrder(heap, size), complete: offered === size };
}

/** The heap's entries best first, as candidate arrays. */
function heapInOrder(heap: TopScratch, size: number): { items: Int32Array; scores: Float32Array } {
  const order = topOrder(heap, size);
  return { items: Int32Array.from(order, (x) => heap.id[x]), scores: Float32Array.from(order, (x) => heap.score[x]) };
}

/** Packs per-user candidate lists into {@link CoverageScores}. */
export function packCandidates(
  nItems: number,
  lists: readonly { items: Int32Array; scores: Float32Array; complete?: boolean }[],
): CoverageScores {
  const indptr = new Int32Array(lists.length + 1);
  lists.forEach((l, x) => (indptr[x + 1] = indptr[x] + l.items.length));
  const items = new Int32Array(indptr[lists.length]);
  const scores = new Float32Array(indptr[lists.length]);
  const complete = new Uint8Array(lists.length);
  let descending = true;
  lists.forEach((l, x) => {
    items.set(l.items, indptr[x]);
    scores.set(l.scores, indptr[x]);
    complete[x] = l.complete ? 1 : 0;
    for (let e = 1; e < l.scores.length && descending; e++) if (!(l.scores[e] <= l.scores[e - 1])) descending = false;
  });
  return { nUsers: lists.length, nItems, indptr, items, scores, complete, descending };
}

/**
 * Coverage@10 of the served lists at δ without re-scoring every user: a user's linear top 10 is their served top 10
 * when no item can cross the 10th place under a score error of at most `eps` (the float32 rounding of the served
 * blend): a gap of more than 2·eps between the 10th and 11th candidates, and no item outside the candidates able to
 * reach the 10th (its score is at most the lowest candidate's s(0) − δ·min p). Users without that certificate are
 * ranked by `servedTop10` (their served scores). Returns the coverage and how many users needed it.
 */
export function certifiedCoverage(
  input: CoverageScores,
  penalty: Float32Array,
  delta: number,
  servedTop10: (user: number) => ArrayLike<number>,
  eps = 1e-3,
): { coverage: number; rescored: number } {
  const { nUsers, nItems, indptr, scores, complete } = input;
  if (nItems === 0) return { coverage: 0, rescored: 0 };
  // One bound for the early stop and the certificate for items outside the candidates (the column's minimum for δ ≥ 0).
  const pLow = penaltyBound(penalty, delta);
  const seen = new Uint8Array(nItems);
  let distinct = 0;
  const mark = (i: number) => {
    if (!seen[i]) {
      seen[i] = 1;
      distinct++;
    }
  };
  const heap = createTopScratch(11);
  let rescored = 0;
  for (let u = 0; u < nUsers; u++) {
    const size = rankCandidates(input, u, penalty, delta, pLow, heap, 11);
    let lowest = Infinity;
    for (let e = indptr[u]; e < indptr[u + 1]; e++) lowest = Math.min(lowest, scores[e]);
    const order = topOrder(heap, size);
    const tenth = size >= 10 ? heap.score[order[9]] : -Infinity;
    const gapOk = size <= 10 || tenth - heap.score[order[10]] > 2 * eps;
    const outsideOk = complete?.[u] === 1 || lowest - delta * pLow < tenth - 2 * eps;
    if (gapOk && outsideOk) {
      for (let x = 0; x < Math.min(10, size); x++) mark(heap.id[order[x]]);
    } else {
      rescored++;
      const top = servedTop10(u);
      for (let x = 0; x < top.length; x++) mark(top[x]);
    }
  }
  return { coverage: distinct / nItems, rescored };
}

/**
 * The penalty value that bounds every entry's score from above at δ: s(0) − δ·p ≤ s(0) − δ·pLow for all items with
 * pLow the column's minimum when δ ≥ 0 (its maximum when δ < 0); exact in floating point, since rounding is monotone.
 */
function penaltyBound(penalty: Float32Array, delta: number): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < penalty.length; i++) {
    if (penalty[i] < lo) lo = penalty[i];
    if (penalty[i] > hi) hi = penalty[i];
  }
  return delta >= 0 ? lo : hi;
}

/**
 * Offers user u's candidates, scored s(0) − δ·p, to the top-k heap; returns the heap's size. O(m · log k). With the
 * entries in descending s(0) order, stops once the heap is full and an entry's bound s(0) − δ·pLow
 * ({@link penaltyBound}) is below the weakest kept score: that entry and every later one rank below it (same heap).
 */
function rankCandidates(
  input: CoverageScores,
  u: number,
  penalty: Float32Array,
  delta: number,
  pLow: number,
  heap: TopScratch,
  k: number,
): number {
  const { indptr, items, scores } = input;
  const prune = input.descending === true;
  let size = 0;
  for (let e = indptr[u]; e < indptr[u + 1]; e++) {
    if (prune && size === k && scores[e] - delta * pLow < heap.score[0]) break;
    size = offerTop(heap, size, k, scores[e] - delta * penalty[items[e]], items[e]);
  }
  return size;
}

/** The default δ grid: 0, 0.025, …, 3. */
export const COVERAGE_DELTA_GRID: readonly number[] = Array.from({ length: 121 }, (_, j) => j * 0.025);

/** Coverage@k of every calibration user's list ranked by s(0) − δ·p over their candidates. O(entries · log k). */
export function coverageAt(input: CoverageScores, penalty: Float32Array, delta: number, k = 10): number {
  const { nUsers, nItems, indptr, items, scores } = input;
  if (penalty.length !== nItems) throw new ShapeError(`penalty ${penalty.length} ≠ ${nItems} items`);
  if (indptr.length !== nUsers + 1 || items.length !== scores.length) throw new ShapeError('malformed candidate lists');
  if (nItems === 0) return 0;
  const seen = new Uint8Array(nItems);
  const heap = createTopScratch(k);
  const pLow = penaltyBound(penalty, delta);
  let distinct = 0;
  for (let u = 0; u < nUsers; u++) {
    const size = rankCandidates(input, u, penalty, delta, pLow, heap, k);
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
export function smallestCoveringDelta(
  input: CoverageScores,
  penalty: Float32Array,
  floor: number,
  grid: readonly number[] = COVERAGE_DELTA_GRID,
  fromIndex = 0,
): CoveringDelta {
  if (grid.length === 0) throw new ShapeError('empty δ grid');
  let best: CoveringDelta | null = null;
  for (let j = Math.max(0, fromIndex); j < grid.length; j++) {
    const coverage = coverageAt(input, penalty, grid[j]);
    if (coverage >= floor) return { index: j, delta: grid[j], coverage, reached: true };
    if (!best || coverage > best.coverage) best = { index: j, delta: grid[j], coverage, reached: false };
  }
  return (
    best ?? {
      index: grid.length - 1,
      delta: grid[grid.length - 1],
      coverage: coverageAt(input, penalty, grid[grid.length - 1]),
      reached: false,
    }
  );
}

// ---------------------------------------------------------------------------------------------
// Discovery slots: coverage from the bottom of the top 10 (docs/benchmarks/hybrid.md, eighth round).

/** Positions of a list the slot rule looks at: the top 10 it fills, and ranks 11–20 it fills them from. */
export const SLOT_TOP = 10;
export const SLOT_WINDOW = 20;

/**
 * A ranked list with its last `slots` places of the top 10 given to the first items of ranks 11–20 flagged in
 * `longTail` (items nobody else is shown), in rank order; the items they displace move down to 11 … in their order,
 * so the first 20 hold the same items (Recall@20 cannot change) and the rest of the list is untouched. Fewer flagged
 * items than slots fill fewer slots. O(20).
 */
export function discoveryOrder<T extends number>(list: readonly T[], longTail: Uint8Array, slots: number): T[] {
  if (slots <= 0 || list.length <= SLOT_TOP) return [...list];
  const end = Math.min(SLOT_WINDOW, list.length);
  const lifted: T[] = [];
  for (let x = SLOT_TOP; x < end && lifted.length < slots; x++) if (longTail[list[x]] === 1) lifted.push(list[x]);
  if (lifted.length === 0) return [...list];
  const keep = SLOT_TOP - lifted.length;
  const chosen = new Set<number>(lifted);
  const rest = list.slice(keep, end).filter((i) => !chosen.has(i));
  return [...list.slice(0, keep), ...lifted, ...rest, ...list.slice(end)];
}

/** Items in none of the lists' top 10 (1 = long tail). Length nItems. */
export function longTailOf(lists: readonly (readonly number[])[], nItems: number): Uint8Array {
  const flag = new Uint8Array(nItems).fill(1);
  for (const l of lists) for (let x = 0; x < Math.min(SLOT_TOP, l.length); x++) flag[l[x]] = 0;
  return flag;
}

/** Coverage@10 of the lists after {@link discoveryOrder} with `slots`. */
export function slotCoverage(lists: readonly (readonly number[])[], longTail: Uint8Array, slots: number): number {
  const n = longTail.length;
  if (n === 0) return 0;
  const seen = new Uint8Array(n);
  let distinct = 0;
  for (const l of lists) {
    const top = discoveryOrder(l, longTail, slots);
    for (let x = 0; x < Math.min(SLOT_TOP, top.length); x++) {
      if (!seen[top[x]]) {
        seen[top[x]] = 1;
        distinct++;
      }
    }
  }
  return distinct / n;
}

/**
 * The smallest number of slots 0 … `maxSlots` whose lists cover `floor` of the items, with the long-tail flags of
 * the lists as they are. `reached` false (and slots = maxSlots) when even `maxSlots` does not.
 */
export function smallestCoveringSlots(
  lists: readonly (readonly number[])[],
  nItems: number,
  floor: number,
  maxSlots = 5,
): { slots: number; coverageBefore: number; coverage: number; reached: boolean; longTail: Uint8Array } {
  const longTail = longTailOf(lists, nItems);
  const coverageBefore = slotCoverage(lists, longTail, 0);
  let coverage = coverageBefore;
  for (let s = 0; s <= maxSlots; s++) {
    coverage = s === 0 ? coverageBefore : slotCoverage(lists, longTail, s);
    if (coverage >= floor) return { slots: s, coverageBefore, coverage, reached: true, longTail };
  }
  return { slots: maxSlots, coverageBefore, coverage, reached: false, longTail };
}

/** Adds `by`·`column`[item] to every entry's score, in place (a change of one warm weight on a per-item column). */
export function shiftScores(input: CoverageScores, column: Float32Array, by: number): void {
  if (by === 0) return;
  const { items, scores } = input;
  for (let e = 0; e < items.length; e++) scores[e] += by * column[items[e]];
  // The entries' order by score no longer holds.
  input.descending = false;
}

/** Each user's `m` best entries of `input` (ties: lower index), as new candidate lists. O(entries · log m). */
export function bestOfLists(input: CoverageScores, m = COVERAGE_CANDIDATES): CoverageScores {
  const heap = createTopScratch(m);
  const lists: { items: Int32Array; scores: Float32Array; complete: boolean }[] = [];
  for (let u = 0; u < input.nUsers; u++) {
    let size = 0;
    const a = input.indptr[u];
    const b = input.indptr[u + 1];
    for (let e = a; e < b; e++) size = offerTop(heap, size, m, input.scores[e], input.items[e]);
    lists.push({ ...heapInOrder(heap, size), complete: input.complete?.[u] === 1 && size === b - a });
  }
  return packCandidates(input.nItems, lists);
}

// ---------------------------------------------------------------------------------------------
// Slots first, then the penalty for the rest (docs/benchmarks/hybrid.md, tenth round).

/** Every calibration user's top `k` candidates, best first, ranked by s(0) − δ·p. O(entries · log k). */
export function rankedListsAt(
  input: CoverageScores,
  penalty: Float32Array,
  delta: number,
  k = SLOT_WINDOW,
): number[][] {
  if (penalty.length !== input.nItems) throw new ShapeError(`penalty ${penalty.length} ≠ ${input.nItems} items`);
  const heap = createTopScratch(k);
  const pLow = penaltyBound(penalty, delta);
  const lists: number[][] = [];
  for (let u = 0; u < input.nUsers; u++) {
    const size = rankCandidates(input, u, penalty, delta, pLow, heap, k);
    lists.push(topOrder(heap, size).map((x) => heap.id[x]));
  }
  return lists;
}

export interface CoveringDeltaSlots extends CoveringDelta {
  /** Slots at that δ (the smallest that reaches the floor; the most when none does). */
  slots: number;
  /** Coverage of the lists at that δ before the slots. */
  coverageBefore: number;
  /** The items in none of the top-10 lists at that δ (the slots' long tail). */
  longTail: Uint8Array;
}

/**
 * The smallest δ of `grid` (from `fromIndex`) at which some number of slots 0 … `maxSlots` makes the lists reach
 * `floor` ({@link smallestCoveringSlots} on the lists ranked at δ), with the smallest such number: slots are used as
 * far as they go before the penalty grows. When no δ reaches it, the highest coverage found (reached = false).
 * O(steps · entries · log 20).
 */
export function smallestCoveringDeltaWithSlots(
  input: CoverageScores,
  penalty: Float32Array,
  floor: number,
  maxSlots: number,
  grid: readonly number[] = COVERAGE_DELTA_GRID,
  fromIndex = 0,
): CoveringDeltaSlots {
  if (grid.length === 0) throw new ShapeError('empty δ grid');
  let best: CoveringDeltaSlots | null = null;
  for (let j = Math.min(Math.max(0, fromIndex), grid.length - 1); j < grid.length; j++) {
    const pick = smallestCoveringSlots(rankedListsAt(input, penalty, grid[j]), input.nItems, floor, maxSlots);
    const found: CoveringDeltaSlots = { index: j, delta: grid[j], ...pick };
    if (pick.reached) return found;
    if (!best || found.coverage > best.coverage) best = found;
  }
  return best!;
}

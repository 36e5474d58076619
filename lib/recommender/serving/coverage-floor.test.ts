import { describe, expect, it } from 'vitest';
import {
  COVERAGE_DELTA_GRID,
  certifiedCoverage,
  coverageAt,
  discoveryOrder,
  longTailOf,
  packCandidates,
  rankedListsAt,
  shiftScores,
  slotCoverage,
  smallestCoveringDelta,
  smallestCoveringDeltaWithSlots,
  smallestCoveringSlots,
  topCandidates,
  type CoverageScores,
} from './coverage-floor';
import { genreWorld } from '../testing/hybrid-test-data';
import { HybridParamsSchema } from '../hybrid/params';
import { alignTimestamps } from '../hybrid/features';
import {
  applyCoverageFloor,
  applyDiscoverySlots,
  applySlotsThenPenalty,
  createServingScratch,
  scoreUser,
  servedOrder,
  trainServingModelSync,
  userRow,
} from '.';
import { servedHybridRecommender } from './recommender';
import { buildRatingMatrix } from '../core/sparse';
import { createRng } from '../core/rng';

/** Candidate lists from dense per-user scores (row-major) and per-user rated items. */
function fromDense(nItems: number, scores: Float32Array, rated: number[][], m?: number): CoverageScores {
  return packCandidates(
    nItems,
    rated.map((r, u) => topCandidates(scores.subarray(u * nItems, (u + 1) * nItems), r, m)),
  );
}

/**
 * 20 items, two users with the same head: both score items 0..9 as 20 − i. Their tails differ: user A scores item j
 * (10..19) as 20 − j (item 10 first), user B as j − 9 (item 19 first). The penalty column is 1 on the head, 0 on
 * the tail, so s(δ) lowers the head by δ and the users' 10th slots go to different tail items.
 */
function twoUsersDense(): Float32Array {
  const n = 20;
  const scores = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    scores[i] = 20 - i;
    scores[n + i] = i < 10 ? 20 - i : i - 9;
  }
  return scores;
}
const twoUsers = (rated: number[][] = [[], []]) => fromDense(20, twoUsersDense(), rated);
const headPenalty = Float32Array.from({ length: 20 }, (_, i) => (i < 10 ? 1 : 0));

/** Every user's top k by sorting the dense scores lowered by δ·penalty, ties to the lower index (the reference). */
function bruteLists(
  nItems: number,
  scores: Float32Array,
  rated: number[][],
  penalty: Float32Array,
  delta: number,
  k: number,
): number[][] {
  return rated.map((r, u) => {
    const banned = new Set(r);
    const s = (i: number) => scores[u * nItems + i] - delta * penalty[i];
    return Array.from({ length: nItems }, (_, i) => i)
      .filter((i) => !banned.has(i))
      .sort((a, b) => s(b) - s(a) || a - b)
      .slice(0, k);
  });
}

/**
 * Coverage@10 of the lists after s discovery slots, written out from the rule (not through the module): the long tail
 * is the items in no top 10; each list keeps its first 10 − m and then the m ≤ s first long-tail items of ranks 11–20.
 */
function bruteSlotCoverage(lists: number[][], nItems: number, s: number): number {
  const top10 = new Set(lists.flatMap((l) => l.slice(0, 10)));
  const seen = new Set<number>();
  for (const l of lists) {
    const lifted = l
      .slice(10, 20)
      .filter((i) => !top10.has(i))
      .slice(0, s);
    for (const i of [...l.slice(0, 10 - lifted.length), ...lifted]) seen.add(i);
  }
  return seen.size / nItems;
}

/** Coverage@10 by sorting every list of the dense scores (the reference). */
function bruteCoverage(
  nItems: number,
  scores: Float32Array,
  rated: number[][],
  penalty: Float32Array,
  delta: number,
): number {
  const seen = new Set<number>();
  rated.forEach((r, u) => {
    const banned = new Set(r);
    const s = (i: number) => scores[u * nItems + i] - delta * penalty[i];
    const order = Array.from({ length: nItems }, (_, i) => i)
      .filter((i) => !banned.has(i))
      .sort((a, b) => s(b) - s(a) || a - b);
    for (const i of order.slice(0, 10)) seen.add(i);
  });
  return seen.size / nItems;
}

describe('coverageAt', () => {
  it('counts the distinct items of the users’ top-10 lists over the number of items (by hand)', () => {
    // δ 0: both lists are the head 0..9.
    expect(coverageAt(twoUsers(), headPenalty, 0)).toBe(10 / 20);
    // δ 1: item 9 (11 − 1) ties the best tail item (10) and keeps its place by the lower index.
    expect(coverageAt(twoUsers(), headPenalty, 1)).toBe(10 / 20);
    // δ 1.5: item 9 (9.5) drops; A takes item 10, B item 19: {0..8, 10, 19}.
    expect(coverageAt(twoUsers(), headPenalty, 1.5)).toBe(11 / 20);
    // δ 3.5: A = 0..6, 10, 7, 11; B = 0..6, 19, 7, 18.
    expect(coverageAt(twoUsers(), headPenalty, 3.5)).toBe(12 / 20);
    // δ 21: the whole head is below the tail, and both tails are the same ten items: coverage falls back.
    expect(coverageAt(twoUsers(), headPenalty, 21)).toBe(10 / 20);
  });

  it('never puts an excluded (rated) item in a list', () => {
    // A has rated items 0 and 1: its list is 2..11, B's is 0..9.
    expect(coverageAt(twoUsers([[0, 1], []]), headPenalty, 0)).toBe(12 / 20);
  });

  it('equals sorting every list, for random scores, penalties and rated items, with all items or 40 candidates', () => {
    const rng = createRng(5);
    const nUsers = 25;
    const nItems = 60;
    const scores = Float32Array.from({ length: nUsers * nItems }, () => Math.round(rng.normal() * 4) / 4);
    const penalty = Float32Array.from({ length: nItems }, () => rng.normal() / 4);
    const rated = Array.from({ length: nUsers }, () => [
      ...new Set(Array.from({ length: rng.int(15) }, () => rng.int(nItems))),
    ]);
    for (const delta of [0, 0.25, 0.5, 1]) {
      const want = bruteCoverage(nItems, scores, rated, penalty, delta);
      expect(coverageAt(fromDense(nItems, scores, rated), penalty, delta)).toBeCloseTo(want, 12);
      // 40 of ≤ 60 candidates: the penalty's spread (|p| ≲ 1 at δ ≤ 1) cannot lift the 41st over the 10th here.
      expect(coverageAt(fromDense(nItems, scores, rated, 40), penalty, delta)).toBeCloseTo(want, 12);
    }
  });

  it('keeps a user’s m best candidates, ties to the lower index, rated items left out', () => {
    const c = topCandidates(Float32Array.of(3, 5, 5, 1, 5), [1], 2);
    expect([...c.items].sort()).toEqual([2, 4]);
    expect([...c.scores]).toEqual([5, 5]);
  });

  it('is 0 without items and rejects mismatched shapes', () => {
    expect(coverageAt(packCandidates(0, []), new Float32Array(0), 0)).toBe(0);
    expect(() => coverageAt(twoUsers(), new Float32Array(3), 0)).toThrow(/penalty/);
    expect(() => coverageAt({ ...twoUsers(), nUsers: 3 }, headPenalty, 0)).toThrow(/candidate/);
  });
});

describe('certifiedCoverage', () => {
  /** The served lists by sorting the dense scores, counting the users asked for. */
  function served(nItems: number, scores: Float32Array, rated: number[][], penalty: Float32Array, delta: number) {
    const asked: number[] = [];
    const top10 = (u: number) => {
      asked.push(u);
      const banned = new Set(rated[u]);
      const s = (i: number) => scores[u * nItems + i] - delta * penalty[i];
      return Array.from({ length: nItems }, (_, i) => i)
        .filter((i) => !banned.has(i))
        .sort((a, b) => s(b) - s(a) || a - b)
        .slice(0, 10);
    };
    return { asked, top10 };
  }

  it('takes the linear lists where the 10th and 11th are apart, and asks for the served list on a near-tie', () => {
    const dense = twoUsersDense();
    // δ 1.5: 10th and 11th are 0.5 apart for both users, and their candidates are all their items: nobody is asked.
    const apart = served(20, dense, [[], []], headPenalty, 1.5);
    expect(certifiedCoverage(twoUsers(), headPenalty, 1.5, apart.top10)).toEqual({ coverage: 11 / 20, rescored: 0 });
    expect(apart.asked).toEqual([]);
    // δ 1: item 9 ties the best tail item at 10, so a rounding error could swap them: both users are asked.
    const tie = served(20, dense, [[], []], headPenalty, 1);
    expect(certifiedCoverage(twoUsers(), headPenalty, 1, tie.top10)).toEqual({ coverage: 10 / 20, rescored: 2 });
    expect(tie.asked).toEqual([0, 1]);
  });

  it('asks for the served list when an item outside the candidates could reach the 10th place', () => {
    const dense = twoUsersDense();
    // At δ 3.5 each user's 10th is at 9 (A: item 11, B: item 18). With 14 candidates the lowest kept s(0) is 7, so
    // nothing left out can reach 9: no user is asked. With 12 it is 9 — a left-out item could tie the 10th (the
    // bound is the lowest kept score, not the item's own): both users are asked.
    const at35 = served(20, dense, [[], []], headPenalty, 3.5);
    const want = coverageAt(twoUsers(), headPenalty, 3.5);
    expect(certifiedCoverage(fromDense(20, dense, [[], []], 14), headPenalty, 3.5, at35.top10)).toEqual({
      coverage: want,
      rescored: 0,
    });
    expect(certifiedCoverage(fromDense(20, dense, [[], []], 12), headPenalty, 3.5, at35.top10)).toEqual({
      coverage: want,
      rescored: 2,
    });
    // At δ 10 the head sinks below the kept tail and left-out tail items can enter: asked, and the answer is exact.
    const at10 = served(20, dense, [[], []], headPenalty, 10);
    const r = certifiedCoverage(fromDense(20, dense, [[], []], 14), headPenalty, 10, at10.top10);
    expect(r.rescored).toBe(2);
    expect(r.coverage).toBeCloseTo(bruteCoverage(20, dense, [[], []], headPenalty, 10), 12);
  });

  it('equals the served lists’ coverage for random scores, with or without few candidates', () => {
    const rng = createRng(9);
    const nUsers = 30;
    const nItems = 50;
    const scores = Float32Array.from({ length: nUsers * nItems }, () => Math.round(rng.normal() * 8) / 8);
    const penalty = Float32Array.from({ length: nItems }, () => rng.normal());
    const rated = Array.from({ length: nUsers }, () => [
      ...new Set(Array.from({ length: rng.int(10) }, () => rng.int(nItems))),
    ]);
    for (const m of [500, 15]) {
      for (const delta of [0, 0.5, 2]) {
        const s = served(nItems, scores, rated, penalty, delta);
        const r = certifiedCoverage(fromDense(nItems, scores, rated, m), penalty, delta, s.top10);
        expect(r.coverage).toBeCloseTo(bruteCoverage(nItems, scores, rated, penalty, delta), 12);
        expect(r.rescored).toBe(s.asked.length);
      }
    }
  });
});

describe('smallestCoveringDelta', () => {
  const grid = [0, 1, 1.5, 3.5, 21];

  it('returns the first grid value whose lists reach the floor', () => {
    expect(smallestCoveringDelta(twoUsers(), headPenalty, 0.55, grid)).toEqual({
      index: 2,
      delta: 1.5,
      coverage: 0.55,
      reached: true,
    });
    expect(smallestCoveringDelta(twoUsers(), headPenalty, 0.6, grid)).toEqual({
      index: 3,
      delta: 3.5,
      coverage: 0.6,
      reached: true,
    });
    // A floor already met needs no change.
    expect(smallestCoveringDelta(twoUsers(), headPenalty, 0.5, grid)).toEqual({
      index: 0,
      delta: 0,
      coverage: 0.5,
      reached: true,
    });
  });

  it('falls back to the δ with the highest coverage, not reached, when no δ reaches the floor', () => {
    expect(smallestCoveringDelta(twoUsers(), headPenalty, 0.9, grid)).toEqual({
      index: 3,
      delta: 3.5,
      coverage: 0.6,
      reached: false,
    });
    // Coverage never above δ 0's: δ stays 0.
    expect(smallestCoveringDelta(twoUsers(), headPenalty, 0.9, [0, 1, 21])).toEqual({
      index: 0,
      delta: 0,
      coverage: 0.5,
      reached: false,
    });
  });

  it('starts at fromIndex', () => {
    expect(smallestCoveringDelta(twoUsers(), headPenalty, 0.5, grid, 3)).toMatchObject({ index: 3, delta: 3.5 });
  });

  it('uses the grid 0, 0.025, …, 3 by default', () => {
    expect(COVERAGE_DELTA_GRID).toHaveLength(121);
    expect(COVERAGE_DELTA_GRID[1]).toBeCloseTo(0.025, 12);
    expect(COVERAGE_DELTA_GRID.at(-1)).toBeCloseTo(3, 12);
  });
});

describe('slots at each δ (slots first, then the penalty)', () => {
  const grid = [0, 1, 1.5, 3.5, 21];

  it('ranks every user’s top 20 at δ as sorting does', () => {
    const rng = createRng(8);
    const nUsers = 20;
    const nItems = 50;
    const scores = Float32Array.from({ length: nUsers * nItems }, () => rng.normal());
    const penalty = Float32Array.from({ length: nItems }, () => rng.normal());
    const rated = Array.from({ length: nUsers }, () => [
      ...new Set(Array.from({ length: rng.int(12) }, () => rng.int(nItems))),
    ]);
    for (const delta of [0, 0.3, 2]) {
      expect(rankedListsAt(fromDense(nItems, scores, rated), penalty, delta)).toEqual(
        bruteLists(nItems, scores, rated, penalty, delta, 20),
      );
      expect(rankedListsAt(fromDense(nItems, scores, rated), penalty, delta, 7)).toEqual(
        bruteLists(nItems, scores, rated, penalty, delta, 7),
      );
    }
    expect(() => rankedListsAt(fromDense(nItems, scores, rated), new Float32Array(3), 0)).toThrow(/penalty/);
  });

  it('stops ranking a user at the first candidate that cannot enter: the same lists as offering every candidate', () => {
    const rng = createRng(21);
    const nUsers = 30;
    const nItems = 80;
    const scores = Float32Array.from({ length: nUsers * nItems }, () => Math.round(rng.normal() * 8) / 8);
    // A skewed column (most items near its minimum), as exposure is.
    const penalty = Float32Array.from({ length: nItems }, () => Math.exp(rng.normal()) - 1);
    const rated = Array.from({ length: nUsers }, () => [
      ...new Set(Array.from({ length: rng.int(12) }, () => rng.int(nItems))),
    ]);
    const pruned = fromDense(nItems, scores, rated, 35); // best first
    expect(pruned.descending).toBe(true);
    expect(fromDense(nItems, scores, rated).descending).toBe(false); // all items, index order
    const offered = { ...pruned, descending: false };
    for (const delta of [-1, 0, 0.3, 1, 2.5, 10]) {
      expect(rankedListsAt(pruned, penalty, delta)).toEqual(rankedListsAt(offered, penalty, delta));
      expect(coverageAt(pruned, penalty, delta)).toBe(coverageAt(offered, penalty, delta));
    }
    const shifted = fromDense(nItems, scores, rated, 35);
    shiftScores(shifted, penalty, -0.5);
    expect(shifted.descending).toBe(false);
  });

  it('uses slots before raising δ, and keeps the highest coverage when no δ reaches the floor (by hand)', () => {
    // At δ 0 both users show the head 0..9; their ranks 11–20 are the whole tail (A from item 10 up, B from 19 down),
    // so s slots give (10 + s) / 20: 4 slots reach 0.7 with no penalty at all.
    const hit = smallestCoveringDeltaWithSlots(twoUsers(), headPenalty, 0.7, 5, grid);
    expect(hit).toMatchObject({ index: 0, delta: 0, slots: 4, coverage: 0.7, coverageBefore: 0.5, reached: true });
    expect(Array.from(hit.longTail)).toEqual(Array.from({ length: 20 }, (_, i) => (i < 10 ? 0 : 1)));
    // 0.76: five slots give 0.75 at δ 0; at δ 1.5 (0.70) and 3.5 (0.65) the slots displace the users' own tail picks,
    // at δ 21 the lists are the tail and five slots give 0.75 again (not higher): δ 0 is kept.
    expect(smallestCoveringDeltaWithSlots(twoUsers(), headPenalty, 0.76, 5, grid)).toMatchObject({
      index: 0,
      delta: 0,
      slots: 5,
      coverage: 0.75,
      reached: false,
    });
    // With at most 1 slot, 0.6: δ 0 and 1 give 0.55; at δ 1.5 the head's item 9 (rank 11 for both, shown by no one)
    // takes both slots back (0.5); δ 3.5 reaches it with no slot.
    expect(smallestCoveringDeltaWithSlots(twoUsers(), headPenalty, 0.6, 1, grid)).toMatchObject({
      index: 3,
      delta: 3.5,
      slots: 0,
      coverage: 0.6,
      reached: true,
    });
    // Starting at index 3 skips the earlier δ.
    expect(smallestCoveringDeltaWithSlots(twoUsers(), headPenalty, 0.5, 5, grid, 3)).toMatchObject({
      index: 3,
      delta: 3.5,
      slots: 0,
      reached: true,
    });
    expect(() => smallestCoveringDeltaWithSlots(twoUsers(), headPenalty, 0.5, 5, [])).toThrow(/grid/);
  });

  it('equals trying every (δ, slots) pair in order on the sorted lists, for random scores', () => {
    const rng = createRng(13);
    for (let trial = 0; trial < 6; trial++) {
      const nUsers = 6 + rng.int(10);
      const nItems = 40 + rng.int(30);
      const scores = Float32Array.from({ length: nUsers * nItems }, () => rng.normal());
      const penalty = Float32Array.from({ length: nItems }, () => rng.normal());
      const rated = Array.from({ length: nUsers }, () => [
        ...new Set(Array.from({ length: rng.int(10) }, () => rng.int(nItems))),
      ]);
      const deltas = [0, 0.2, 0.5, 1, 2];
      // Reference: the first δ (then the fewest slots) whose coverage reaches the floor; else the best (first on ties).
      const table = deltas.map((d) => {
        const lists = bruteLists(nItems, scores, rated, penalty, d, 20);
        return Array.from({ length: 6 }, (_, sl) => bruteSlotCoverage(lists, nItems, sl));
      });
      const best = Math.max(...table.map((row) => row[5]));
      for (const floor of [table[0][0], (table[0][0] + best) / 2, best, best + 0.01]) {
        const got = smallestCoveringDeltaWithSlots(fromDense(nItems, scores, rated), penalty, floor, 5, deltas);
        const j = table.findIndex((row) => row.some((c) => c >= floor));
        if (j >= 0) {
          const sl = table[j].findIndex((c) => c >= floor);
          expect(got).toMatchObject({ index: j, slots: sl, reached: true });
          expect(got.coverage).toBeCloseTo(table[j][sl], 12);
        } else {
          expect(got).toMatchObject({ index: table.findIndex((row) => row[5] === best), slots: 5, reached: false });
          expect(got.coverage).toBeCloseTo(best, 12);
        }
        expect(got.coverageBefore).toBeCloseTo(table[got.index][0], 12);
      }
    }
  });
});

/** 60 users, 240 movies (181 rated): the served lists cover ≈ 77% of the rated movies. Cheap ALS, floor off. */
function servedWorld() {
  const w = genreWorld(60, 240, 11);
  const data = buildRatingMatrix({ userIds: w.userIds, itemIds: w.movieIds, ratings: w.ratings }, { scale: [0.5, 5] });
  const timeRows = { userIds: w.userIds, movieIds: w.movieIds, timestamps: w.timestamps };
  const times = alignTimestamps(data, w.userIds, w.movieIds, w.timestamps);
  const params = HybridParamsSchema.parse({
    baseParams: { 'implicit-als': { factors: 8, iterations: 6 } },
    coverageFloor: 0,
  });
  return { w, data, timeRows, times, params };
}

describe('applyCoverageFloor on a served model', () => {
  const { w, data, timeRows, times, params } = servedWorld();

  type Model = ReturnType<typeof trainServingModelSync>['model'];
  /** Every warm user's top 20 by sorting their served scores, and their number of ratings. */
  function warmTop20(model: Model): { list: number[]; nRatings: number }[] {
    const n = model.itemIds.length;
    const scratch = createServingScratch(model);
    const scores = new Float32Array(n);
    const out: { list: number[]; nRatings: number }[] = [];
    for (let u = 0; u < data.users.size; u++) {
      const row = userRow(data, u, times);
      if (row.itemIdx.length <= model.coldUserThreshold) continue;
      scoreUser(model, row, scores, scratch);
      const rated = new Set(row.itemIdx);
      const order = Array.from({ length: n }, (_, i) => i)
        .filter((i) => !rated.has(i))
        .sort((a, b) => scores[b] - scores[a] || a - b);
      out.push({ list: order.slice(0, 20), nRatings: row.itemIdx.length });
    }
    return out;
  }

  /** Coverage@10 of the served lists of every warm user, computed independently of the calibration code. */
  function servedCoverage(model: Model): number {
    const seen = new Set<number>();
    // The served order: the model's discovery slots, when it has them, re-order the top 20.
    for (const { list, nRatings } of warmTop20(model))
      for (const i of servedOrder(model, nRatings, list).slice(0, 10)) seen.add(i);
    return seen.size / model.itemIds.length;
  }

  it('raises the warm users’ served coverage@10 to the floor by lowering one warm weight, leaving the other blends alone', () => {
    const { model } = trainServingModelSync(data, w.docs, { params, timeRows, tasks: ['ranking'] });
    const before = servedCoverage(model);
    expect(before).toBeLessThan(0.8);
    const warm0 = model.warm.slice();
    const cold0 = model.cold.slice();
    const r = applyCoverageFloor(model, data, times, { floor: 0.8, feature: 'exposure', maxUsers: 1000, seed: 42 });
    expect(r).not.toBeNull();
    expect(r!.coverageBefore).toBeCloseTo(before, 12);
    expect(r!.reached).toBe(true);
    expect(r!.delta).toBeGreaterThan(0);
    const after = servedCoverage(model);
    expect(after).toBeCloseTo(r!.coverage, 12);
    expect(after).toBeGreaterThanOrEqual(0.8);
    const f = model.rankFeatures.indexOf('exposure');
    expect(model.warm[f]).toBeCloseTo(warm0[f] - r!.delta, 6);
    model.warm.forEach((x, g) => g !== f && expect(x).toBe(warm0[g]));
    expect(Array.from(model.cold)).toEqual(Array.from(cold0));
  });

  it('leaves the blend alone when every δ lowers coverage (a floor out of reach)', () => {
    // Here the blend already weighs popularity down (−3): lowering it further makes every list the same niche.
    const { model } = trainServingModelSync(data, w.docs, { params, timeRows, tasks: ['ranking'] });
    const warm0 = Array.from(model.warm);
    const before = servedCoverage(model);
    const r = applyCoverageFloor(model, data, times, { floor: 0.8, feature: 'pop', maxUsers: 1000, seed: 42 });
    expect(r).toMatchObject({ delta: 0, reached: false });
    expect(Array.from(model.warm)).toEqual(warm0);
    expect(servedCoverage(model)).toBe(before);
  });

  it('changes nothing when the floor is already met or off', () => {
    const { model } = trainServingModelSync(data, w.docs, { params, timeRows, tasks: ['ranking'] });
    const warm0 = Array.from(model.warm);
    const r = applyCoverageFloor(model, data, times, { floor: 0.01, feature: 'exposure', maxUsers: 1000, seed: 42 });
    expect(r).toMatchObject({ delta: 0, reached: true });
    expect(
      applyCoverageFloor(model, data, times, { floor: 0, feature: 'exposure', maxUsers: 1000, seed: 42 }),
    ).toBeNull();
    expect(Array.from(model.warm)).toEqual(warm0);
  });

  it('moves on to the fallback column while the primary one cannot reach the floor', () => {
    // In this world lowering pop only narrows the lists; exposure can reach 0.8.
    const res = trainServingModelSync(data, w.docs, {
      params: {
        ...params,
        coverageFloor: 0.8,
        coverageFloorMode: 'penalty',
        coverageFloorFeature: 'pop',
        coverageFloorFallback: ['exposure'],
      },
      timeRows,
      tasks: ['ranking'],
    });
    const steps = res.coverageFloorSteps!;
    expect(steps.map((c) => [c.feature, c.reached])).toEqual([
      ['pop', false],
      ['exposure', true],
    ]);
    expect(steps[0].delta).toBe(0);
    expect(steps[1].coverageBefore).toBeCloseTo(steps[0].coverage, 12);
    expect(res.coverageFloor).toBe(steps[1]);
    expect(servedCoverage(res.model)).toBeGreaterThanOrEqual(0.8);
    // The exposure step reused the pop step's candidate lists (pop left the blend as it was): the same result as
    // scoring every user again.
    const fresh = trainServingModelSync(data, w.docs, { params, timeRows, tasks: ['ranking'] }).model;
    const opts = { floor: 0.8, maxUsers: 1000, seed: 42 };
    expect(applyCoverageFloor(fresh, data, times, { ...opts, feature: 'pop' })).toEqual(steps[0]);
    expect(applyCoverageFloor(fresh, data, times, { ...opts, feature: 'exposure' })).toEqual(steps[1]);
    expect(Array.from(fresh.warm)).toEqual(Array.from(res.model.warm));
    // Without a fallback the floor stays out of reach and the blend is left as it was.
    const alone = trainServingModelSync(data, w.docs, {
      params: {
        ...params,
        coverageFloor: 0.8,
        coverageFloorMode: 'penalty',
        coverageFloorFeature: 'pop',
        coverageFloorFallback: [],
      },
      timeRows,
      tasks: ['ranking'],
    });
    expect(alone.coverageFloorSteps!.map((c) => c.feature)).toEqual(['pop']);
    expect(alone.coverageFloor!.reached).toBe(false);
  });

  it('continues from the step before by shifting its users’ scores: the same floor as scoring them again', () => {
    // Exposure lifts coverage but cannot reach 0.99 (its best δ is kept), then pop continues from there.
    const res = trainServingModelSync(data, w.docs, {
      params: {
        ...params,
        coverageFloor: 0.99,
        coverageFloorMode: 'penalty',
        coverageFloorFeature: 'exposure',
        coverageFloorFallback: ['pop'],
      },
      timeRows,
      tasks: ['ranking'],
    });
    const steps = res.coverageFloorSteps!;
    expect(steps.map((c) => c.feature)).toEqual(['exposure', 'pop']);
    expect(steps[0].delta).toBeGreaterThan(0);
    const fresh = trainServingModelSync(data, w.docs, { params, timeRows, tasks: ['ranking'] }).model;
    const opts = { floor: 0.99, maxUsers: 1000, seed: 42 };
    const pick = (c: ReturnType<typeof applyCoverageFloor>) => ({
      delta: c!.delta,
      coverageBefore: c!.coverageBefore,
      coverage: c!.coverage,
      reached: c!.reached,
    });
    expect(pick(applyCoverageFloor(fresh, data, times, { ...opts, feature: 'exposure' }))).toEqual(pick(steps[0]));
    const again = applyCoverageFloor(fresh, data, times, { ...opts, feature: 'pop' }); // scores every user again
    expect(again!.delta).toBe(steps[1].delta);
    expect(again!.coverage).toBeCloseTo(steps[1].coverage, 12);
    expect(again!.coverageBefore).toBeCloseTo(steps[1].coverageBefore, 12);
    expect(Array.from(fresh.warm)).toEqual(Array.from(res.model.warm));
    expect(servedCoverage(res.model)).toBeCloseTo(steps[1].coverage, 12);
  });

  describe('slots first, then the penalty', () => {
    const floor = 0.92;
    const opts = { floor, feature: 'exposure' as const, maxUsers: 1000, seed: 42 };
    const fresh = () => trainServingModelSync(data, w.docs, { params, timeRows, tasks: ['ranking'] }).model;

    it('reaches a floor neither reaches alone, with the smallest δ and then the fewest slots', () => {
      // Alone, five slots and the penalty's best δ both stop short of 0.92 in this world.
      const slotsAlone = applyDiscoverySlots(fresh(), data, times, opts);
      expect(slotsAlone).toMatchObject({ reached: false });
      expect(slotsAlone!.slotsCoverage).toBeLessThan(floor);
      expect(applyCoverageFloor(fresh(), data, times, opts)).toMatchObject({ reached: false });

      const model = fresh();
      const warm0 = model.warm.slice();
      const cold0 = model.cold.slice();
      const before = servedCoverage(model);
      const r = applySlotsThenPenalty(model, data, times, opts)!;
      expect(r).toMatchObject({ feature: 'exposure', reached: true });
      expect(r.coverageBefore).toBeCloseTo(before, 12);
      expect(r.delta).toBeGreaterThan(0);
      expect(r.slots).toBeGreaterThan(0);
      expect(model.discoverySlots).toBe(r.slots);
      // The served lists (scored again and re-ordered here) reach the floor; only the exposure weight moved, by −δ.
      expect(servedCoverage(model)).toBeCloseTo(r.coverage, 12);
      expect(servedCoverage(model)).toBeGreaterThanOrEqual(floor);
      const f = model.rankFeatures.indexOf('exposure');
      expect(model.warm[f]).toBeCloseTo(warm0[f] - r.delta, 6);
      model.warm.forEach((x, g) => g !== f && expect(x).toBe(warm0[g]));
      expect(Array.from(model.cold)).toEqual(Array.from(cold0));
      // One slot fewer at that δ falls short, and so do five slots one grid step (0.025) lower.
      model.discoverySlots = r.slots! - 1;
      expect(servedCoverage(model)).toBeLessThan(floor);
      model.discoverySlots = undefined;
      model.warm[f] = warm0[f] - (r.delta - 0.025);
      expect(
        bruteSlotCoverage(
          warmTop20(model).map((x) => x.list),
          model.itemIds.length,
          5,
        ),
      ).toBeLessThan(floor);
    });

    it('is the default: training applies it, and falls back to the penalty alone, unchanged, when it cannot reach the floor', () => {
      expect(HybridParamsSchema.parse({}).coverageFloorMode).toBe('slots+penalty');
      const res = trainServingModelSync(data, w.docs, {
        params: { ...params, coverageFloor: floor },
        timeRows,
        tasks: ['ranking'],
      });
      expect(res.coverageFloorSteps).toHaveLength(1);
      expect(res.coverageFloor).toEqual(applySlotsThenPenalty(fresh(), data, times, opts));
      expect(servedCoverage(res.model)).toBeGreaterThanOrEqual(floor);

      // 0.99 is out of reach: the step reports the best it found and leaves the model as it was; the penalty chain
      // then runs as it would alone.
      const out = trainServingModelSync(data, w.docs, {
        params: { ...params, coverageFloor: 0.99 },
        timeRows,
        tasks: ['ranking'],
      });
      const steps = out.coverageFloorSteps!;
      expect(steps.map((c) => c.feature)).toEqual(['exposure', 'exposure', 'pop']);
      expect(steps[0]).toMatchObject({ delta: 0, slots: 0, reached: false });
      expect(steps[0].slotsCoverage).toBeGreaterThan(steps[0].coverageBefore);
      expect(steps[0].slotsCoverage).toBeLessThan(0.99);
      expect(out.model.discoverySlots).toBeUndefined();
      const alone = trainServingModelSync(data, w.docs, {
        params: { ...params, coverageFloor: 0.99, coverageFloorMode: 'penalty' },
        timeRows,
        tasks: ['ranking'],
      });
      expect(steps.slice(1)).toEqual(alone.coverageFloorSteps);
      expect(Array.from(out.model.warm)).toEqual(Array.from(alone.model.warm));
    });
  });

  it('is part of training: the default params apply it and report it', () => {
    const res = trainServingModelSync(data, w.docs, {
      params: { ...params, coverageFloor: 0.9 },
      timeRows,
      tasks: ['ranking'],
    });
    expect(res.coverageFloor).toBeDefined();
    expect(res.coverageFloor!.users).toBeGreaterThan(0);
    expect(servedCoverage(res.model)).toBeCloseTo(res.coverageFloor!.coverage, 12);
    expect(res.timings['coverage floor']).toBeGreaterThanOrEqual(0);
  });
});

describe('discovery slots', () => {
  const range = (a: number, b: number) => Array.from({ length: b - a }, (_, x) => a + x);

  it('moves the first long-tail items of ranks 11–20 into the last slots of the top 10, keeping the top-20 set', () => {
    const list = range(0, 25); // item x at rank x + 1
    const tail = new Uint8Array(25);
    tail[12] = tail[15] = tail[18] = tail[22] = 1; // 22 is outside ranks 11–20
    const two = discoveryOrder(list, tail, 2);
    expect(two).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 12, 15, 8, 9, 10, 11, 13, 14, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
    expect(new Set(two.slice(0, 20))).toEqual(new Set(list.slice(0, 20)));
    // More slots than flagged items: only those move; 22 (rank 23) never does.
    expect(discoveryOrder(list, tail, 5).slice(0, 10)).toEqual([0, 1, 2, 3, 4, 5, 6, 12, 15, 18]);
    expect(discoveryOrder(list, tail, 0)).toEqual(list);
    expect(discoveryOrder(list.slice(0, 10), tail, 3)).toEqual(list.slice(0, 10)); // nothing below the top 10
  });

  it('flags the items no top 10 holds and finds the smallest number of slots reaching the floor (by hand)', () => {
    // Three users, 40 items; all share the head 0..9; user u's ranks 11–20 are 10 + 10u … 19 + 10u (all long tail).
    const lists = [0, 1, 2].map((u) => [...range(0, 10), ...range(10 + 10 * u, 20 + 10 * u)]);
    const tail = longTailOf(lists, 40);
    expect(tail.slice(0, 10).every((f) => f === 0)).toBe(true);
    expect(tail.slice(10).every((f) => f === 1)).toBe(true);
    expect(slotCoverage(lists, tail, 0)).toBeCloseTo(10 / 40, 12);
    // s slots: each user adds s of their own, and the head's last s items (8, 9 for s = 2) leave every top 10.
    expect(slotCoverage(lists, tail, 2)).toBeCloseTo((8 + 3 * 2) / 40, 12);
    const pick = smallestCoveringSlots(lists, 40, 0.4);
    expect(pick).toMatchObject({ slots: 3, reached: true }); // (7 + 9) / 40
    expect(pick.coverageBefore).toBeCloseTo(0.25, 12);
    expect(smallestCoveringSlots(lists, 40, 0.6)).toMatchObject({ slots: 5, reached: false }); // at most (5 + 15) / 40
  });

  describe('on a served model', () => {
    const { w, data, timeRows, times, params } = servedWorld();

    /** Warm users' served top-20 (plain sort of the served scores), re-ordered by the model's slots. */
    function servedLists(model: ReturnType<typeof trainServingModelSync>['model']): number[][] {
      const n = model.itemIds.length;
      const scratch = createServingScratch(model);
      const scores = new Float32Array(n);
      const out: number[][] = [];
      for (let u = 0; u < data.users.size; u++) {
        const row = userRow(data, u, times);
        if (row.itemIdx.length <= model.coldUserThreshold) continue;
        scoreUser(model, row, scores, scratch);
        const rated = new Set(row.itemIdx);
        const order = range(0, n)
          .filter((i) => !rated.has(i))
          .sort((a, b) => scores[b] - scores[a] || a - b)
          .slice(0, 20);
        out.push(servedOrder(model, row.itemIdx.length, order));
      }
      return out;
    }
    const coverage = (lists: number[][], n: number) => new Set(lists.flatMap((l) => l.slice(0, 10))).size / n;

    it('reaches the floor on the warm users’ own lists with the fewest slots, leaving the blend weights and the top-20 sets alone', () => {
      const { model } = trainServingModelSync(data, w.docs, { params, timeRows, tasks: ['ranking'] });
      const n = model.itemIds.length;
      const plain = servedLists(model);
      const before = coverage(plain, n);
      const warm0 = Array.from(model.warm);
      const floor = before + 0.05;
      const r = applyDiscoverySlots(model, data, times, { floor, maxUsers: 1000, seed: 42 });
      expect(r).toMatchObject({ feature: 'slots', reached: true });
      expect(r!.slots).toBeGreaterThan(0);
      expect(r!.coverageBefore).toBeCloseTo(before, 12);
      const after = servedLists(model);
      expect(coverage(after, n)).toBeCloseTo(r!.coverage, 12);
      expect(coverage(after, n)).toBeGreaterThanOrEqual(floor);
      after.forEach((l, x) => expect(new Set(l)).toEqual(new Set(plain[x])));
      expect(Array.from(model.warm)).toEqual(warm0);
      // One slot fewer does not reach the floor.
      model.discoverySlots = r!.slots! - 1;
      expect(coverage(servedLists(model), n)).toBeLessThan(floor);
    });

    it('is what the eval’s served hybrid recommends, and cold users keep their plain lists', () => {
      const fitted = servedHybridRecommender.fit(data, {
        ...params,
        coverageFloor: 0.8,
        coverageFloorMode: 'slots',
        timeRows,
        contentDocs: w.docs,
        tasks: ['ranking'],
      });
      const model = fitted.serving;
      expect(model.discoverySlots).toBeGreaterThan(0);
      const lists = servedLists(model);
      let x = 0;
      for (let u = 0; u < data.users.size; u++) {
        const nRatings = data.byUser.indptr[u + 1] - data.byUser.indptr[u];
        if (nRatings <= model.coldUserThreshold) continue;
        const recs = servedHybridRecommender.recommend(fitted, data, u, 20);
        expect(recs.map((r) => r.itemIdx)).toEqual(lists[x++]);
        for (let t = 1; t < recs.length; t++) expect(recs[t].score).toBeLessThanOrEqual(recs[t - 1].score);
      }
      expect(servedOrder(model, model.coldUserThreshold, range(0, 20))).toEqual(range(0, 20));
    });

    it('falls back to the weight penalty in training when the slots cannot reach the floor', () => {
      const res = trainServingModelSync(data, w.docs, {
        params: { ...params, coverageFloor: 0.99, coverageFloorMode: 'slots' },
        timeRows,
        tasks: ['ranking'],
      });
      expect(res.coverageFloorSteps![0]).toMatchObject({ feature: 'slots', reached: false, slots: 0 });
      expect(res.coverageFloorSteps!.map((c) => c.feature)).toEqual(['slots', 'exposure', 'pop']);
      expect(res.model.discoverySlots).toBeUndefined();
    });
  });
});

/**
 * The served order on a model: discovery slots and the coverage floor (coverage-floor.ts holds the search), and
 * their calibration over a sample of members at training time.
 */
import { topKFromScores } from '../algorithms/mf-common';
import { type RatingMatrix, ShapeError } from '../core/types';
import { sampleSorted } from '../core/holdout';
import {
  bestOfLists,
  certifiedCoverage,
  COVERAGE_CANDIDATES,
  COVERAGE_DELTA_GRID,
  coverageAt,
  type CoverageScores,
  discoveryOrder,
  packCandidates,
  shiftScores,
  SLOT_WINDOW,
  smallestCoveringDelta,
  smallestCoveringDeltaWithSlots,
  smallestCoveringSlots,
  topCandidates,
} from './coverage-floor';
import { userRow } from './fold-in';
import type { ServingModel } from './model';
import { createServingScratch, scoreUser } from './score';

export interface CoverageFloorResult {
  feature: string;
  floor: number;
  /** The warm weight of `feature` was lowered by this much. */
  delta: number;
  /** Discovery slots given (feature 'slots'). */
  slots?: number;
  /** Feature 'slots', floor not reached: the coverage the most slots would have given (not applied). */
  slotsCoverage?: number;
  /** Calibration users (warm users, sampled beyond the cap). */
  users: number;
  /** Scored again by the served check (no certificate that their linear top 10 is the served one), over all checks. */
  rescored: number;
  /** Coverage@10 of their served lists before and after. */
  coverageBefore: number;
  coverage: number;
  reached: boolean;
}

/**
 * The calibration users' served scores, kept between the floor's steps on one model. `full` holds every unrated item
 * of every user when that fits {@link FULL_CALIBRATION_ENTRIES} (the served check then certifies every user but
 * near-ties without scoring them again, and a later step shifts the scores by its weight change instead of scoring
 * everyone again); `search` is each user's {@link COVERAGE_CANDIDATES} best, the δ search's input. `warm` = the warm
 * weights they were scored (or shifted) at.
 */
export interface CalibrationLists {
  full?: CoverageScores | null;
  search?: CoverageScores;
  warm?: Float32Array;
}

/** Largest number of (user, item) entries kept as full calibration lists (8 bytes each: 160 MB). */
export const FULL_CALIBRATION_ENTRIES = 20_000_000;

/**
 * The lists at the model's current warm weights: the shared ones when they are of these weights, or shifted to them
 * when only per-item column weights (exposure, pop) changed and the full lists are kept; otherwise `score()` (each
 * user's served scores as candidate lists, complete or the best few). Updates `shared`.
 */
function calibrationLists(
  shared: CalibrationLists,
  model: ServingModel,
  nUsers: number,
  score: () => { items: Int32Array; scores: Float32Array; complete: boolean }[],
): { full: CoverageScores | null; search: CoverageScores } {
  const w = model.warm;
  if (shared.search && shared.warm && shared.search.nUsers === nUsers) {
    const changed: number[] = [];
    for (let f = 0; f < w.length; f++) if (w[f] !== shared.warm[f]) changed.push(f);
    const shiftable = changed.every((f) => model.rankFeatures[f] === 'exposure' || model.rankFeatures[f] === 'pop');
    if (changed.length === 0) return { full: shared.full ?? null, search: shared.search };
    if (shiftable && shared.full) {
      for (const f of changed)
        shiftScores(
          shared.full,
          model.rankFeatures[f] === 'exposure' ? model.exposureZ : model.popZ,
          w[f] - shared.warm[f],
        );
      shared.search = bestOfLists(shared.full);
      shared.warm = w.slice();
      return { full: shared.full, search: shared.search };
    }
  }
  const packed = packCandidates(model.itemIds.length, score());
  const full = packed.complete && packed.complete.every((c) => c === 1) ? packed : null;
  shared.full = full;
  shared.search = full ? bestOfLists(full) : packed;
  shared.warm = w.slice();
  return { full, search: shared.search };
}

/** The coverage calibration's users: the model's warm users, a seeded sample of `maxUsers` beyond that many. */
function calibrationUsers(model: ServingModel, data: RatingMatrix, maxUsers: number, seed: number): number[] {
  const { indptr } = data.byUser;
  const warmUsers: number[] = [];
  for (let u = 0; u < data.byUser.nRows; u++)
    if (indptr[u + 1] - indptr[u] > model.coldUserThreshold) warmUsers.push(u);
  const cap = Math.max(1, maxUsers);
  return warmUsers.length > cap ? sampleSorted(warmUsers, cap, seed + 5) : warmUsers;
}

/** Most discovery slots the calibration may give (of the top 10). */
export const DISCOVERY_MAX_SLOTS = 5;

/**
 * Discovery slots (lib/recommender/serving/coverage-floor.ts): scores the warm users' served lists from their training ratings,
 * flags the items none of their top 10 holds, and sets the smallest number of slots (0 … 5) at which their re-ordered
 * top-10 lists cover `floor` of the items. Reads no held-out row or label. Sets `model.discoverySlots` /
 * `discoveryItems` only when the floor is reached; otherwise leaves the model unchanged (the caller falls back).
 */
export function applyDiscoverySlots(
  model: ServingModel,
  data: RatingMatrix,
  times: Float64Array | null,
  opts: { floor: number; maxUsers: number; seed: number },
): CoverageFloorResult | null {
  if (!(opts.floor > 0) || model.warm.length === 0) return null;
  const n = model.itemIds.length;
  if (n !== data.items.size) throw new ShapeError(`model has ${n} items, the ratings ${data.items.size}`);
  const users = calibrationUsers(model, data, opts.maxUsers, opts.seed);
  if (users.length === 0) return null;
  const scratch = createServingScratch(model);
  const buf = new Float32Array(n);
  const lists = users.map((u) => {
    scoreUser(model, userRow(data, u, times), buf, scratch);
    return topKFromScores(buf, data, u, SLOT_WINDOW).map((pick) => pick.itemIdx);
  });
  const pick = smallestCoveringSlots(lists, n, opts.floor, DISCOVERY_MAX_SLOTS);
  if (pick.reached) {
    model.discoverySlots = pick.slots;
    model.discoveryItems = pick.longTail;
  }
  return {
    feature: 'slots',
    floor: opts.floor,
    delta: 0,
    slots: pick.reached ? pick.slots : 0,
    users: users.length,
    rescored: 0,
    coverageBefore: pick.coverageBefore,
    coverage: pick.reached ? pick.coverage : pick.coverageBefore,
    reached: pick.reached,
    ...(pick.reached ? {} : { slotsCoverage: pick.coverage }),
  };
}

/**
 * The served order of a user's ranked list (best first, at least the first 20 when there are that many): the
 * discovery slots for warm users (more than `coldUserThreshold` ratings), the list itself otherwise.
 */
export function servedOrder<T extends number>(model: ServingModel, nRatings: number, list: readonly T[]): T[] {
  const slots = model.discoverySlots ?? 0;
  if (slots <= 0 || !model.discoveryItems || nRatings <= model.coldUserThreshold) return [...list];
  return discoveryOrder(list, model.discoveryItems, slots);
}

/**
 * Lowers the warm blend's weight on a per-item column (exposure or popularity) until the warm users' own served
 * top-10 lists cover `floor` of the model's items (lib/recommender/serving/coverage-floor.ts). Reads only the training
 * ratings in `data` (and their times): no held-out rows or labels. The δ found on the linear form is checked on the
 * served scores ({@link certifiedCoverage}: a user is scored again through {@link scoreUser} unless their linear top
 * 10 is provably the served one); the next grid value that reaches the floor is tried
 * while the check falls short (at most four checks), and the best checked δ is kept — none, when every one lowers
 * coverage (a floor out of reach). Mutates `model.warm`.
 */
export function applyCoverageFloor(
  model: ServingModel,
  data: RatingMatrix,
  times: Float64Array | null,
  opts: FloorOptions,
): CoverageFloorResult | null {
  const setup = floorSetup(model, data, times, opts);
  if (!setup) return null;
  const { f, cal, input, penalty, w0 } = setup;
  const checked = cal.lists.full ?? input;
  // The served lists' coverage: users whose linear top 10 is certain to be the served one are not scored again.
  let rescored = 0;
  const served = (delta: number) => {
    const r = certifiedCoverage(checked, penalty, delta, (x) => cal.servedTop(x, 10));
    rescored += r.rescored;
    return r.coverage;
  };
  let pick = smallestCoveringDelta(input, penalty, opts.floor);
  const coverageBefore = pick.index === 0 ? pick.coverage : coverageAt(input, penalty, 0);
  // Served check of the linear pick; the best checked δ is kept (none that lowers coverage: then the weight stays).
  let delta = 0;
  let coverage = coverageBefore;
  for (let attempt = 0; attempt < 4 && pick.delta > 0; attempt++) {
    model.warm[f] = w0 - pick.delta;
    const c = served(pick.delta);
    if (c > coverage) {
      delta = pick.delta;
      coverage = c;
    }
    if (c >= opts.floor || !pick.reached || pick.index === COVERAGE_DELTA_GRID.length - 1) break;
    pick = smallestCoveringDelta(input, penalty, opts.floor, COVERAGE_DELTA_GRID, pick.index + 1);
  }
  model.warm[f] = w0 - delta;
  return {
    feature: opts.feature,
    floor: opts.floor,
    delta,
    users: cal.users.length,
    rescored,
    coverageBefore,
    coverage,
    reached: coverage >= opts.floor,
  };
}

/**
 * Discovery slots first, then the penalty for the rest (docs/benchmarks/hybrid.md, tenth round): the smallest δ of
 * the floor's grid at which the calibration users' top 20, ranked with the warm weight of `feature` lowered by δ and
 * re-ordered by the smallest number of slots (0 … {@link DISCOVERY_MAX_SLOTS}) that suffices, cover `floor`
 * ({@link smallestCoveringDeltaWithSlots}). The pick is checked on the served scores (every calibration user scored
 * again; the next δ that reaches the floor while the check falls short, at most four checks). Reached: sets the warm
 * weight, `discoverySlots` and `discoveryItems` (the long tail of the served lists at δ). Not reached: leaves the
 * model as it was (the caller falls back to the penalty alone). Reads no held-out row or label.
 */
export function applySlotsThenPenalty(
  model: ServingModel,
  data: RatingMatrix,
  times: Float64Array | null,
  opts: FloorOptions,
): CoverageFloorResult | null {
  const setup = floorSetup(model, data, times, opts);
  if (!setup) return null;
  const { f, cal, input, penalty, w0 } = setup;
  const n = model.itemIds.length;
  let pick = smallestCoveringDeltaWithSlots(input, penalty, opts.floor, DISCOVERY_MAX_SLOTS);
  // The lists at δ 0 before any slot; the search has them when it stopped there.
  const coverageBefore = pick.index === 0 ? pick.coverageBefore : coverageAt(input, penalty, 0);
  const result = (
    delta: number,
    slots: number,
    coverage: number,
    rescored: number,
    reached: boolean,
  ): CoverageFloorResult => ({
    feature: opts.feature,
    floor: opts.floor,
    delta,
    slots,
    users: cal.users.length,
    rescored,
    coverageBefore,
    coverage,
    reached,
  });
  // Reached as the lists are: nothing to change (the penalty rule does not check this case either).
  if (pick.reached && pick.delta === 0 && pick.slots === 0) return result(0, 0, pick.coverage, 0, true);
  let rescored = 0;
  for (let attempt = 0; attempt < 4 && pick.reached; attempt++) {
    model.warm[f] = w0 - pick.delta;
    const lists = cal.users.map((_, x) => cal.servedTop(x, SLOT_WINDOW));
    rescored += lists.length;
    const served = smallestCoveringSlots(lists, n, opts.floor, DISCOVERY_MAX_SLOTS);
    if (served.reached) {
      if (served.slots > 0) {
        model.discoverySlots = served.slots;
        model.discoveryItems = served.longTail;
      }
      return result(pick.delta, served.slots, served.coverage, rescored, true);
    }
    if (pick.index === COVERAGE_DELTA_GRID.length - 1) break;
    pick = smallestCoveringDeltaWithSlots(
      input,
      penalty,
      opts.floor,
      DISCOVERY_MAX_SLOTS,
      COVERAGE_DELTA_GRID,
      pick.index + 1,
    );
  }
  model.warm[f] = w0;
  return { ...result(0, 0, coverageBefore, rescored, false), slotsCoverage: pick.coverage };
}

interface FloorOptions {
  floor: number;
  feature: 'exposure' | 'pop';
  maxUsers: number;
  seed: number;
  /** The calibration users' lists, shared between calls on the same model (the fallback steps): see {@link CalibrationLists}. */
  candidates?: CalibrationLists;
}

/**
 * What both floor rules start from: the warm weight's position and value, the per-item column it scales, and the
 * calibration ({@link floorCalibration}). Null when the floor is off, the model has no warm blend or the column.
 */
function floorSetup(model: ServingModel, data: RatingMatrix, times: Float64Array | null, opts: FloorOptions) {
  const f = model.rankFeatures.indexOf(opts.feature);
  if (!(opts.floor > 0) || model.warm.length === 0 || f < 0) return null;
  const cal = floorCalibration(model, data, times, opts);
  if (!cal) return null;
  const penalty = opts.feature === 'exposure' ? model.exposureZ : model.popZ;
  return { f, cal, input: cal.lists.search, penalty, w0: model.warm[f] };
}

/**
 * The floor's calibration on a model: its users, their lists at the current warm weights (shared through
 * `opts.candidates`), and each one's served top k (scored again through {@link scoreUser}). Null without users.
 */
function floorCalibration(model: ServingModel, data: RatingMatrix, times: Float64Array | null, opts: FloorOptions) {
  const n = model.itemIds.length;
  if (n !== data.items.size) throw new ShapeError(`model has ${n} items, the ratings ${data.items.size}`);
  const { indptr, indices } = data.byUser;
  const users = calibrationUsers(model, data, opts.maxUsers, opts.seed);
  if (users.length === 0) return null;
  const scratch = createServingScratch(model);
  const buf = new Float32Array(n);
  const lists = calibrationLists(opts.candidates ?? {}, model, users.length, () =>
    users.map((u) => {
      scoreUser(model, userRow(data, u, times), buf, scratch);
      // Every unrated item while the lists fit the bound (the served check then needs no re-scoring but near-ties).
      return topCandidates(
        buf,
        indices.subarray(indptr[u], indptr[u + 1]),
        users.length * n <= FULL_CALIBRATION_ENTRIES ? n : COVERAGE_CANDIDATES,
      );
    }),
  );
  const servedTop = (x: number, k: number): number[] => {
    scoreUser(model, userRow(data, users[x], times), buf, scratch);
    return topKFromScores(buf, data, users[x], k).map((pick) => pick.itemIdx);
  };
  return { users, lists, servedTop };
}

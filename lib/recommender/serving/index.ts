/**
 * # serving/ — what the app serves (this file is the wing's face)
 *
 * May import: core, kernels, algorithms, hybrid; the app imports the wing through this file
 * (`@/lib/recommender/serving`).
 * Invariants: a served model is plain typed-array tables (model.ts), stored and loaded as is; every user-side
 * quantity is computed from the user's CURRENT ratings at request time (fold-in), so a rating counts before any
 * retraining; the eval registry's `hybrid` scores through these same functions (recommender.ts), so the measured
 * model is the served one; the WebAssembly kernels are bit-identical to the TypeScript loops.
 */
/**
 * The served hybrid: the learned hybrid of hybrid/ turned into plain typed-array tables that the nightly job
 * stores and the web app scores from, with every user-side quantity computed live from the user's CURRENT ratings
 * (a rating made a second ago changes the next For You):
 *
 * - EASE: Σ of the rows of B over the user's positives, B sparsified to its `easeNeighbours` largest |B_ji| per row;
 * - item-kNN ('sum' scores): Σ of the reversed top-k neighbour lists over the rated movies;
 * - implicit ALS: the user vector re-solved against the fixed item factors (least squares, {@link foldInAls});
 * - content: the rating-weighted TF-IDF profile of the rated movies, cosine to every item;
 * - popularity, cold-item, "popular around the user's last rating", exposure, EASE over the latest ratings;
 * - the learned warm / cold / anonymous ranking weights, and the ridge rating blend over biases, item-kNN and
 *   content (each folded in the same way).
 *
 * `npm run eval -- --algo hybrid` scores through exactly these functions (recommender.ts), so the measured
 * model is the served one. Scoring one user costs O(h·(K_ease + k_knn) + n_u·k² (fold-in) + nItems·(k + F) +
 * nnz(content vectors)) for h positives.
 *
 * This file is the wing's face (`@/lib/recommender/serving`); the parts live next to it:
 * - model.ts: the stored schema (ServingModel, UserRatings, ServingConfig, DEFAULT_SERVING);
 * - build.ts: serving tables from a fitted hybrid (sparsified EASE, kNN and content neighbours, external ALS);
 * - fold-in.ts: a member's current ratings folded into ALS and MF user vectors at request time;
 * - base-scores.ts, kernels.ts, score.ts: one user's feature columns and blended scores (WebAssembly kernels optional);
 * - warm.ts: one made-up request after a model load, so the first member does not build the caches;
 * - explain.ts: why each pick of a page is there, from the score's own decomposition; reasons.ts: which reason a pick
 *   gets from that and what the member did with the named movie (rated, liked, watched);
 * - predict.ts: the rating blend (predicted stars);
 * - slots.ts, coverage-floor.ts, mmr.ts: the served order (discovery slots, coverage floor, diversity);
 * - train.ts: the nightly training orchestration; recommender.ts: the served model as the eval registry's `hybrid`.
 */
export {
  DEFAULT_SERVING,
  type ExternalFactors,
  type NeighbourTable,
  type ServingConfig,
  type ServingModel,
  type ServingTime,
  type UserRatings,
} from './model';
export { alignExternal, contentNeighbours, servingFromHybrid, sparsifyEase } from './build';
export { alsView, foldInAls, foldInMf, interactionHistory, userRow } from './fold-in';
export { createServingScratch, scoreUser, servingFeatureColumns, type ServingScratch, weightsFor } from './score';
export { topN } from '../core/select-top';
export { contentCosine } from './base-scores';
export { setScoringKernels } from './kernels';
export { warmServing } from './warm';
export { type Contribution, type ContributionBase, explainPage, topContribution } from './explain';
export {
  chooseReason,
  LIKED_RATING,
  type MoviePeople,
  type MovieSignal,
  type ReasonChoice,
  WATCHED_DIRECTOR_MIN,
  watchedDirectorCounts,
} from './reasons';
export {
  biasesPrediction,
  NEW_MEMBER_BLEND_FROM,
  predictRating,
  ratingContext,
  type RatingContext,
  ratingRow,
  trainedOn,
} from './predict';
export { type ServingTrainResult, trainServingModel, trainServingModelSync } from './train';
export {
  applyCoverageFloor,
  applyDiscoverySlots,
  applySlotsThenPenalty,
  type CalibrationLists,
  type CoverageFloorResult,
  DISCOVERY_MAX_SLOTS,
  FULL_CALIBRATION_ENTRIES,
  servedOrder,
} from './slots';

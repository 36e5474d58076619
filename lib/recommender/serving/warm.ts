/**
 * Warm-up after a model load: one request's worth of scoring, explaining and predicting, so the first member does
 * not pay for building the cached tables and compiling the kernels.
 */
import { explainPage } from './explain';
import type { ServingModel, UserRatings } from './model';
import { predictRating, ratingContext } from './predict';
import { createServingScratch, scoreUser } from './score';
import { topN } from '../core/select-top';

/**
 * Builds the per-model state that the request path otherwise creates on first use (the WebAssembly kernels' table
 * copies, the compact EASE, content by feature, the cold-item column) by serving one made-up member the way a For
 * You request does, so the first real request after a model load does not pay for it (cost at ML-1M shape in
 * docs/benchmarks/hybrid.md). Scores of later requests are unaffected.
 */
export function warmServing(model: ServingModel): void {
  const n = model.itemIds.length;
  if (n === 0) return;
  const user: UserRatings = { itemIdx: Int32Array.of(0), values: Float32Array.of(model.scale[1] ?? 5) };
  const scratch = createServingScratch(model);
  const scores = new Float32Array(n);
  scoreUser(model, user, scores, scratch);
  const page = topN(scores, user.itemIdx, Math.min(20, n - 1));
  explainPage(model, user, scratch, page);
  const ctx = ratingContext(model, user);
  for (const i of page) predictRating(model, ctx, i);
}

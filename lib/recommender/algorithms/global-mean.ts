import { clipRating, topKFromScores } from './mf-common';
import type { RatingMatrix, Recommender } from '../core/types';

/** No hyper-parameters; `seed` is accepted for the shared contract. */
export interface GlobalMeanConfig {
  seed?: number;
}

export interface GlobalMeanModel {
  kind: 'global-mean';
  mean: number;
}

/** The mean training rating μ (the weakest baseline, the sanity floor of every rating metric). O(1) given the matrix. */
export function fitGlobalMean(data: RatingMatrix, _config: GlobalMeanConfig = {}): GlobalMeanModel {
  return { kind: 'global-mean', mean: data.globalMean };
}

export const globalMeanRecommender: Recommender<GlobalMeanConfig, GlobalMeanModel> = {
  name: 'global-mean',
  fit: fitGlobalMean,
  predict: (model, data) => clipRating(model.mean, data.scale),
  scoreItems(model, _data, _userIdx, out) {
    out.fill(model.mean);
  },
  recommend(model, data, userIdx, k, opts) {
    const scores = new Float32Array(data.items.size);
    scores.fill(model.mean);
    return topKFromScores(scores, data, userIdx, k, opts);
  },
};

/**
 * # algorithms/ — one model family per file (this file is the wing's face)
 *
 * Holds: baselines (global-mean.ts, biases.ts), popularity, the kNN family (knn-common.ts, item-knn.ts, user-knn.ts,
 * user-knn-live.ts, similarity.ts), the SGD matrix factorisations (mf-common.ts, biased-mf.ts, svdpp.ts), implicit
 * ALS, EASE, RP3beta, and content (content-docs.ts: catalogue → documents; content-tfidf.ts; text.ts: tokenising
 * and stemming). Each file has its `fitX(data, config)` and a `Recommender` adapter, re-exported here for the
 * registry (eval/registry.ts).
 * May import: core, kernels.
 * Invariants: a fit is a pure function of (data, parsed config): same seed, same bits, whatever the thread count;
 * models are plain data (typed arrays), serialisable by core/serialize.ts; every family passes the contract suite
 * (testing/contract.test-helpers.ts); a config's defaults live in its zod schema (the family's own, or the
 * registry's where the family takes a partial config).
 */
export { BiasedMfConfig, biasedMfRecommender } from './biased-mf';
export { biasesRecommender } from './biases';
export { contentTfidfRecommender, ContentTfidfConfigSchema } from './content-tfidf';
export { EaseConfig, easeRecommender } from './ease';
export { globalMeanRecommender } from './global-mean';
export { ImplicitAlsConfig, implicitAlsRecommender } from './implicit-als';
export { itemKnnRecommender } from './item-knn';
export { popularityRecommender } from './popularity';
export { rp3betaRecommender } from './rp3beta';
export { SvdppConfig, svdppRecommender } from './svdpp';
export { userKnnRecommender } from './user-knn';
export { liveUserKnnRecommender } from './user-knn-live';

/**
 * # core/ — the engine's floor
 *
 * Holds: the shared contracts (this file: `RatingMatrix`, CSR, `Vocabulary`, `Recommender`, the error types), sparse
 * matrices and vocabularies (sparse.ts), the seeded rng (rng.ts), the one top-k module (select-top.ts), the dense
 * solves (linalg.ts, linalg-wasm.ts), every holdout split under its own name (holdout.ts), model (de)serialisation
 * (serialize.ts) and the WebAssembly assembler (wasm-asm.ts).
 * May import: no other wing (npm packages only); eslint.config.js enforces it.
 * Invariants: pure data and pure functions, no I/O and no threads; raw ids and dense indices never mix (below);
 * everything random takes a seed, so the same inputs give the same bits; one home per primitive — a second top-k,
 * solver or split belongs here, not next to its first caller.
 */
/**
 * Shared contracts of the Reel engine. Pure data: no I/O, no framework imports.
 *
 * Naming: `userId`/`movieId` are raw (database / MovieLens) ids; `userIdx`/`itemIdx` are dense
 * indices 0..n-1 assigned by a {@link Vocabulary}. Never mix the two in one function.
 */

/** Bidirectional map between raw ids and dense indices (LensKit's Vocabulary, Surprise's inner ids). */
export interface Vocabulary {
  /** idx → raw id. Length n. */
  readonly ids: Int32Array;
  /** raw id → idx; undefined when unknown. */
  index(id: number): number | undefined;
  readonly size: number;
}

/**
 * Compressed sparse rows of a nRows × nCols matrix.
 * Row r's entries are `indices[indptr[r] .. indptr[r+1])` (sorted ascending, no duplicates)
 * with values at the same positions.
 */
export interface Csr {
  readonly nRows: number;
  readonly nCols: number;
  readonly indptr: Int32Array; // length nRows + 1
  readonly indices: Int32Array; // length nnz
  readonly values: Float32Array; // length nnz
}

/**
 * Explicit ratings encoded to dense indices. `byUser` is users × items (CSR),
 * `byItem` is the same matrix transposed (items × users, i.e. CSC of byUser).
 */
export interface RatingMatrix {
  readonly users: Vocabulary;
  readonly items: Vocabulary;
  readonly byUser: Csr;
  readonly byItem: Csr;
  /** Mean of all ratings (0 when empty). */
  readonly globalMean: number;
  /** Rating scale, e.g. [0.5, 5] for ml-latest-small, [1, 5] for ml-100k. */
  readonly scale: readonly [number, number];
  /**
   * Implicit feedback (issue #23): the users' unrated watches, likes and watchlist adds over the same vocabularies,
   * each pair once with its confidence weight on the rating scale (core/interactions.ts). Not part of `byUser`: only
   * the implicit models (implicit ALS, EASE, RP3beta) read it, through `interactionView`; every other model sees the
   * ratings only. A user's implicit items are never recommended to them. Absent when there is none.
   */
  readonly implicit?: ImplicitPart;
}

/** The implicit pairs of a {@link RatingMatrix}: disjoint from its ratings, sorted like them. */
export interface ImplicitPart {
  /** users × items, values = confidence weights on the rating scale. */
  readonly byUser: Csr;
  readonly byItem: Csr;
  /** Per entry of `byUser`: when the member last watched / liked / listed the movie (the ratings' time unit). */
  readonly times?: Float64Array;
}

/** One recommended item with its score (higher is better). */
export interface ScoredItem {
  itemIdx: number;
  score: number;
}

export interface RecommendOptions {
  /** Items never to return (already rated, dismissed…). The user's own train items are excluded by default. */
  exclude?: ReadonlySet<number>;
  /** Only these items may be returned (e.g. a genre filter). */
  candidates?: Int32Array;
}

/**
 * The contract every algorithm implements, so one contract suite and the eval CLI run them all.
 * `fit` must be deterministic for a given `config.seed`.
 */
export interface Recommender<Config, Model> {
  readonly name: string;
  fit(data: RatingMatrix, config: Config): Model;
  /**
   * Predicted rating (rating task). userIdx/itemIdx may be -1 for unknown users/items:
   * the implementation falls back to baselines, it never throws for unknowns.
   */
  predict(model: Model, data: RatingMatrix, userIdx: number, itemIdx: number): number;
  /** Writes a ranking score for every item (length nItems) into `out`. */
  scoreItems(model: Model, data: RatingMatrix, userIdx: number, out: Float32Array): void;
  /** Top-k items for a user, excluding the user's train items and `opts.exclude`. */
  recommend(model: Model, data: RatingMatrix, userIdx: number, k: number, opts?: RecommendOptions): ScoredItem[];
}

/** Thrown when a fit produces non-finite numbers (as implicit does). */
export class ModelFitError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelFitError';
  }
}

/** Thrown when array sizes do not match what a model expects. */
export class ShapeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ShapeError';
  }
}

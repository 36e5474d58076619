/**
 * Normalisation and encoding steps shared by the models: mean-centring, baseline residuals,
 * implicit-feedback conversion and categorical (one-/multi-hot) encoding of content features.
 */
import { baselineResiduals, type BiasesModel } from './algorithms/biases';
import { rowMeans, transpose, withValues } from './core/sparse';
import type { Csr, RatingMatrix } from './core/types';

/**
 * User mean-centring: r_ui − r̄_u. Returns the means (length nUsers) and the centred values
 * aligned with `data.byUser.values`. O(nnz).
 */
export function centreByUserMean(data: RatingMatrix): { means: Float64Array; values: Float32Array } {
  const means = rowMeans(data.byUser);
  const { indptr, values } = data.byUser;
  const out = new Float32Array(values.length);
  for (let u = 0; u < data.byUser.nRows; u++) for (let p = indptr[u]; p < indptr[u + 1]; p++) out[p] = values[p] - means[u];
  return { means, values: out };
}

/** The rating matrix with every value replaced by r_ui − r̄_u (vocabularies unchanged). */
export function userCentredMatrix(data: RatingMatrix): RatingMatrix {
  return withValues(data, centreByUserMean(data).values);
}

/** The rating matrix of baseline residuals r_ui − (μ + b_u + b_i) (Koren 2010 §2.1). O(nnz). */
export function residualMatrix(data: RatingMatrix, biases: BiasesModel): RatingMatrix {
  return withValues(data, baselineResiduals(biases, data));
}

export interface ImplicitOptions {
  /** Ratings below this are dropped (not a positive interaction). Default 3.5. */
  threshold?: number;
  /**
   * Confidence c_ui: 'binary' = 1; 'linear' = 1 + alpha·r (Hu, Koren & Volinsky 2008 eq. 6);
   * 'log' = 1 + alpha·log(1 + r/epsilon) (eq. 7). Default 'binary'.
   */
  confidence?: 'binary' | 'linear' | 'log';
  alpha?: number;
  epsilon?: number;
}

/**
 * Explicit ratings → implicit-feedback confidences: users × items CSR holding only ratings ≥
 * threshold, and its transpose. O(nnz).
 */
export function toImplicit(data: RatingMatrix, opts: ImplicitOptions = {}): { byUser: Csr; byItem: Csr } {
  const threshold = opts.threshold ?? 3.5;
  const mode = opts.confidence ?? 'binary';
  const alpha = opts.alpha ?? 1;
  const eps = opts.epsilon ?? 1;
  const { nRows, nCols, indptr, indices, values } = data.byUser;
  const outPtr = new Int32Array(nRows + 1);
  let nnz = 0;
  for (let p = 0; p < values.length; p++) if (values[p] >= threshold) nnz++;
  const outIdx = new Int32Array(nnz);
  const outVal = new Float32Array(nnz);
  let q = 0;
  for (let u = 0; u < nRows; u++) {
    for (let p = indptr[u]; p < indptr[u + 1]; p++) {
      const r = values[p];
      if (r < threshold) continue;
      outIdx[q] = indices[p];
      outVal[q] = mode === 'binary' ? 1 : mode === 'linear' ? 1 + alpha * r : 1 + alpha * Math.log(1 + r / eps);
      q++;
    }
    outPtr[u + 1] = q;
  }
  const byUser: Csr = { nRows, nCols, indptr: outPtr, indices: outIdx, values: outVal };
  return { byUser, byItem: transpose(byUser) };
}

export interface CategoricalEncoding {
  /** Feature names, column order of `matrix` (sorted by name for determinism). */
  features: string[];
  /** Entities × features, 1 per present value (or 1/√n with l2). */
  matrix: Csr;
}

/**
 * Multi-hot encoding of categorical content features (genres, directors, keywords…): row r gets a
 * 1 in the column of each distinct value of `values[r]` (a one-hot when every row has one value).
 * Values seen in fewer than `minCount` rows are dropped; `l2` scales each row to unit length.
 * O(total values · log features).
 */
export function encodeCategorical(values: readonly (readonly string[])[], opts: { minCount?: number; l2?: boolean } = {}): CategoricalEncoding {
  const minCount = opts.minCount ?? 1;
  const freq = new Map<string, number>();
  for (const row of values) for (const v of new Set(row)) freq.set(v, (freq.get(v) ?? 0) + 1);
  const features = [...freq.entries()]
    .filter(([, c]) => c >= minCount)
    .map(([v]) => v)
    .sort();
  const col = new Map(features.map((f, k) => [f, k]));
  const indptr = new Int32Array(values.length + 1);
  const idx: number[] = [];
  for (let r = 0; r < values.length; r++) {
    const cols = [...new Set(values[r])]
      .map((v) => col.get(v))
      .filter((c): c is number => c !== undefined)
      .sort((a, b) => a - b);
    idx.push(...cols);
    indptr[r + 1] = idx.length;
  }
  const data = new Float32Array(idx.length).fill(1);
  if (opts.l2) {
    for (let r = 0; r < values.length; r++) {
      const n = indptr[r + 1] - indptr[r];
      for (let p = indptr[r]; p < indptr[r + 1]; p++) data[p] = 1 / Math.sqrt(n);
    }
  }
  return { features, matrix: { nRows: values.length, nCols: features.length, indptr, indices: Int32Array.from(idx), values: data } };
}

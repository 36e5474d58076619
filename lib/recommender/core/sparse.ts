import type { Csr, RatingMatrix, Vocabulary } from './types';
import { ShapeError } from './types';

/**
 * Builds a {@link Vocabulary} from raw ids (duplicates allowed). Ids are sorted ascending, so the
 * same id set always gets the same dense indices regardless of input order. O(n log n).
 * Compact non-negative ids (max < max(2^20, 4·size)) use a dense Int32Array lookup, others a Map.
 */
export function createVocabulary(ids: ArrayLike<number>): Vocabulary {
  return vocabularyFromUnique(uniqueSorted(ids));
}

/** Distinct ids ascending: a presence bitmap for compact non-negative ints (O(n + range)), else a sort. */
function uniqueSorted(ids: ArrayLike<number>): Int32Array {
  const len = ids.length;
  let min = Infinity;
  let max = -Infinity;
  let integral = true;
  for (let k = 0; k < len; k++) {
    const v = ids[k];
    if (v < min) min = v;
    if (v > max) max = v;
    if ((v | 0) !== v) integral = false;
  }
  if (len > 0 && integral && min >= 0 && max < Math.max(1 << 20, 4 * len)) {
    const seen = new Uint8Array(max + 1);
    let n = 0;
    for (let k = 0; k < len; k++) {
      if (seen[ids[k]] === 0) {
        seen[ids[k]] = 1;
        n++;
      }
    }
    const out = new Int32Array(n);
    let w = 0;
    for (let v = 0; v <= max; v++) if (seen[v] === 1) out[w++] = v;
    return out;
  }
  const sorted = Int32Array.from(ids).sort();
  let n = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[n++] = sorted[i];
  }
  return sorted.slice(0, n);
}

function vocabularyFromUnique(unique: Int32Array): Vocabulary {
  const n = unique.length;
  const min = n > 0 ? unique[0] : 0;
  const max = n > 0 ? unique[n - 1] : -1;
  // Dense lookup table when ids are compact non-negative ints (MovieLens ids are): O(1) without hashing.
  if (n > 0 && min >= 0 && max < Math.max(1 << 20, 4 * n)) {
    const table = new Int32Array(max + 1).fill(-1);
    for (let i = 0; i < n; i++) table[unique[i]] = i;
    return {
      ids: unique,
      size: n,
      index: (id: number) => {
        if (!(id >= 0 && id <= max)) return undefined;
        const v = table[id];
        return v >= 0 ? v : undefined;
      },
    };
  }
  const map = new Map<number, number>();
  for (let i = 0; i < n; i++) map.set(unique[i], i);
  return {
    ids: unique,
    size: n,
    index: (id: number) => map.get(id),
  };
}

/** Input triples for {@link buildRatingMatrix}; the three arrays have the same length. */
export interface RatingTriples {
  userIds: Int32Array;
  itemIds: Int32Array;
  ratings: Float32Array;
}

export interface BuildRatingMatrixOptions {
  /** Rating scale; default [min, max] of the ratings (or [0.5, 5] when empty). */
  scale?: readonly [number, number];
  /** Fixed user vocabulary: rows whose user is not in it are dropped (and counted). */
  users?: Vocabulary;
  /** Fixed item vocabulary: rows whose item is not in it are dropped (and counted). */
  items?: Vocabulary;
  /** How to resolve several ratings of one (user, item): keep the last in input order (default) or average. */
  duplicates?: 'last' | 'mean';
}

/** A {@link RatingMatrix} plus what the builder had to clean up. */
export interface BuiltRatingMatrix extends RatingMatrix {
  /** Rows dropped because their user or item was outside a given vocabulary, or the rating was not finite. */
  readonly droppedRows: number;
  /** Rows merged into another rating of the same (user, item). */
  readonly duplicateRows: number;
}

/**
 * Encodes raw (userId, movieId, rating) triples to dense indices and builds both CSR layouts.
 *
 * Two stable counting sorts (by item, then by user) give rows sorted by user then item while
 * keeping input order among duplicates, which are then merged ('last' or 'mean').
 * Time O(nnz + nUsers + nItems) after the vocabularies (O(n log n) when built here); memory ≈ 6 int32/row.
 */
export function buildRatingMatrix(input: RatingTriples, opts: BuildRatingMatrixOptions = {}): BuiltRatingMatrix {
  const n = input.userIds.length;
  if (input.itemIds.length !== n || input.ratings.length !== n) {
    throw new ShapeError(
      `triples differ in length: ${n} users, ${input.itemIds.length} items, ${input.ratings.length} ratings`,
    );
  }
  const users = opts.users ?? createVocabulary(input.userIds);
  const items = opts.items ?? createVocabulary(input.itemIds);
  const nUsers = users.size;
  const nItems = items.size;

  // Encode; -1 marks a dropped row.
  const uIdx = new Int32Array(n);
  const iIdx = new Int32Array(n);
  let dropped = 0;
  for (let r = 0; r < n; r++) {
    const u = users.index(input.userIds[r]);
    const i = items.index(input.itemIds[r]);
    if (u === undefined || i === undefined || !Number.isFinite(input.ratings[r])) {
      uIdx[r] = -1;
      dropped++;
    } else {
      uIdx[r] = u;
      iIdx[r] = i;
    }
  }
  const kept = n - dropped;

  // Stable counting sort by item.
  const itemCount = new Int32Array(nItems + 1);
  for (let r = 0; r < n; r++) if (uIdx[r] >= 0) itemCount[iIdx[r] + 1]++;
  for (let i = 0; i < nItems; i++) itemCount[i + 1] += itemCount[i];
  const byItemOrder = new Int32Array(kept);
  for (let r = 0; r < n; r++) if (uIdx[r] >= 0) byItemOrder[itemCount[iIdx[r]]++] = r;
  // Stable counting sort by user over the item-sorted order → (user, item, input position) order.
  const userCount = new Int32Array(nUsers + 1);
  for (let p = 0; p < kept; p++) userCount[uIdx[byItemOrder[p]] + 1]++;
  for (let u = 0; u < nUsers; u++) userCount[u + 1] += userCount[u];
  const order = new Int32Array(kept);
  for (let p = 0; p < kept; p++) {
    const r = byItemOrder[p];
    order[userCount[uIdx[r]]++] = r;
  }

  // Merge duplicates.
  const mean = opts.duplicates === 'mean';
  const indptr = new Int32Array(nUsers + 1);
  const indices = new Int32Array(kept);
  const values = new Float32Array(kept);
  let nnz = 0;
  let runSum = 0;
  let runCount = 0;
  let prevU = -1;
  let prevI = -1;
  for (let p = 0; p < kept; p++) {
    const r = order[p];
    const u = uIdx[r];
    const i = iIdx[r];
    const v = input.ratings[r];
    if (u === prevU && i === prevI) {
      runSum += v;
      runCount++;
      values[nnz - 1] = mean ? runSum / runCount : v;
      continue;
    }
    indices[nnz] = i;
    values[nnz] = v;
    indptr[u + 1]++;
    nnz++;
    prevU = u;
    prevI = i;
    runSum = v;
    runCount = 1;
  }
  for (let u = 0; u < nUsers; u++) indptr[u + 1] += indptr[u];

  const byUser: Csr = {
    nRows: nUsers,
    nCols: nItems,
    indptr,
    indices: nnz === kept ? indices : indices.slice(0, nnz),
    values: nnz === kept ? values : values.slice(0, nnz),
  };
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let p = 0; p < nnz; p++) {
    const v = byUser.values[p];
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const scale: readonly [number, number] = opts.scale ?? (nnz > 0 ? [min, max] : [0.5, 5]);
  return {
    users,
    items,
    byUser,
    byItem: transpose(byUser),
    globalMean: nnz > 0 ? sum / nnz : 0,
    scale,
    droppedRows: dropped,
    duplicateRows: kept - nnz,
  };
}

/**
 * Transpose of a CSR matrix (equivalently, its CSC layout), with sorted indices. O(nnz + nRows + nCols).
 */
export function transpose(csr: Csr): Csr {
  const { nRows, nCols, indptr, indices, values } = csr;
  const nnz = indptr[nRows];
  const tIndptr = new Int32Array(nCols + 1);
  for (let p = 0; p < nnz; p++) tIndptr[indices[p] + 1]++;
  for (let c = 0; c < nCols; c++) tIndptr[c + 1] += tIndptr[c];
  const next = tIndptr.slice(0, nCols);
  const tIndices = new Int32Array(nnz);
  const tValues = new Float32Array(nnz);
  // Rows are visited in ascending order, so every output row comes out sorted.
  for (let r = 0; r < nRows; r++) {
    for (let p = indptr[r]; p < indptr[r + 1]; p++) {
      const q = next[indices[p]]++;
      tIndices[q] = r;
      tValues[q] = values[p];
    }
  }
  return { nRows: nCols, nCols: nRows, indptr: tIndptr, indices: tIndices, values: tValues };
}

/** Number of stored entries. */
export function nnzOf(csr: Csr): number {
  return csr.indptr[csr.nRows];
}

/** Number of stored entries per row. Length nRows. */
export function rowCounts(csr: Csr): Int32Array {
  const out = new Int32Array(csr.nRows);
  for (let r = 0; r < csr.nRows; r++) out[r] = csr.indptr[r + 1] - csr.indptr[r];
  return out;
}

/** Stored value at (row, col) by binary search, or undefined. O(log rowLength). */
export function getValue(csr: Csr, row: number, col: number): number | undefined {
  const p = indexOfSorted(csr.indices, col, csr.indptr[row], csr.indptr[row + 1]);
  return p >= 0 ? csr.values[p] : undefined;
}

/** Position of `v` in the ascending `a[lo … hi)` (binary search), or −1. O(log(hi − lo)). */
export function indexOfSorted(a: ArrayLike<number>, v: number, lo = 0, hi = a.length): number {
  let l = lo;
  let h = hi - 1;
  while (l <= h) {
    const mid = (l + h) >>> 1;
    const c = a[mid];
    if (c === v) return mid;
    if (c < v) l = mid + 1;
    else h = mid - 1;
  }
  return -1;
}

/** Builds a CSR from dense row-major data (tests and tiny examples). Zeros are not stored. */
export function csrFromDense(rows: readonly (readonly number[])[], nCols?: number): Csr {
  const nRows = rows.length;
  const cols = nCols ?? (nRows > 0 ? rows[0].length : 0);
  const indptr = new Int32Array(nRows + 1);
  const idx: number[] = [];
  const val: number[] = [];
  for (let r = 0; r < nRows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = rows[r][c];
      if (v !== 0 && v !== undefined && !Number.isNaN(v)) {
        idx.push(c);
        val.push(v);
      }
    }
    indptr[r + 1] = idx.length;
  }
  return { nRows, nCols: cols, indptr, indices: Int32Array.from(idx), values: Float32Array.from(val) };
}

/**
 * A RatingMatrix from a dense users × items grid where 0 (or NaN) means "not rated"; raw ids are
 * 1..n so tests can use them directly. For tests and examples.
 */
export function ratingMatrixFromDense(
  rows: readonly (readonly number[])[],
  scale?: readonly [number, number],
): BuiltRatingMatrix {
  const u: number[] = [];
  const i: number[] = [];
  const r: number[] = [];
  const nCols = rows.length > 0 ? rows[0].length : 0;
  for (let a = 0; a < rows.length; a++) {
    for (let b = 0; b < nCols; b++) {
      const v = rows[a][b];
      if (v !== 0 && !Number.isNaN(v)) {
        u.push(a + 1);
        i.push(b + 1);
        r.push(v);
      }
    }
  }
  const users = createVocabulary(Int32Array.from({ length: rows.length }, (_, k) => k + 1));
  const items = createVocabulary(Int32Array.from({ length: nCols }, (_, k) => k + 1));
  return buildRatingMatrix(
    { userIds: Int32Array.from(u), itemIds: Int32Array.from(i), ratings: Float32Array.from(r) },
    { users, items, scale },
  );
}

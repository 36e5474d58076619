import type { Csr } from '../core/types';
import { ShapeError } from '../core/types';
import { topKPositions } from '../core/select-top';
import { startSourceWorker, workerThreads } from '../kernels/threads';

/**
 * Similarity measures of neighbourhood CF (names as in Surprise's sim_options):
 * - 'cosine': Σxy / √(Σx²·Σy²) over the common support (co-rating users for item-item).
 * - 'adjusted_cosine': cosine of ratings centred on the *other* side's mean (item-item: r_ui − r̄_u;
 *   Sarwar et al. 2001).
 * - 'pearson': Pearson correlation over the common support (means over the co-rated entries).
 * - 'pearson_baseline': cosine of baseline residuals r_ui − b_ui (Koren 2010 §2.2; Surprise's
 *   pearson_baseline). The caller supplies the residuals.
 */
export type SimilarityMetric = 'cosine' | 'adjusted_cosine' | 'pearson' | 'pearson_baseline';

export interface SimilarityOptions {
  /** Kernel: 'cosine' = Σxy/√(Σx²Σy²) on the given values; 'pearson' = correlation on the given values. */
  kernel: 'cosine' | 'pearson';
  /** Shrink each similarity by n / (n + shrinkage), n = common support (Koren 2010 eq. 2). 0 = off. */
  shrinkage: number;
  /** Pairs with fewer common dims than this get similarity 0 (not stored). */
  minSupport: number;
  /** Keep at most this many neighbours per row (highest similarity first); 0 = keep every positive one. */
  maxNeighbors: number;
  /**
   * Cosine denominators over the 'common' support (Surprise) or each row's 'full' norm (classic
   * top-N item-kNN, Deshpande & Karypis 2004). Ignored by the pearson kernel. Default 'common'.
   */
  overlap?: 'common' | 'full';
  /** Threads for the similarity pass (1 or 2; default 2 when there is enough work). */
  threads?: number;
  /** Minimum accumulator updates before a worker is used (default 4M ≈ 0.1 s of work). */
  parallelThreshold?: number;
}

/** Upper-triangle pairs (a < b) with positive similarity, a ascending, b ascending within a. */
interface PairList {
  a: Int32Array;
  b: Int32Array;
  s: Float32Array;
}

/**
 * The similarity kernel for rows [from, to): every pair a < b with a positive similarity.
 * Deliberately self-contained (no imports, closures or inner functions): its source is also run
 * as-is inside a worker thread (see {@link computeSimilarities}).
 * mode: 0 = cosine over the common support, 1 = cosine with full row norms, 2 = pearson.
 */
function similarityPairs(
  rIndptr: Int32Array,
  rIndices: Int32Array,
  rValues: Float32Array,
  cIndptr: Int32Array,
  cIndices: Int32Array,
  cValues: Float32Array,
  n: number,
  nDims: number,
  from: number,
  to: number,
  mode: number,
  shrink: number,
  minSupport: number,
): PairList {
  const isPearson = mode === 2;
  const isFull = mode === 1;
  const prod = new Float64Array(n);
  const sqa = new Float64Array(n);
  const sqb = new Float64Array(n);
  const sa = new Float64Array(isPearson ? n : 0);
  const sb = new Float64Array(isPearson ? n : 0);
  const cnt = new Int32Array(n);
  const touched = new Int32Array(n);
  const norm = new Float64Array(isFull ? n : 0);
  if (isFull) {
    for (let a = 0; a < n; a++) {
      let s2 = 0;
      for (let p = rIndptr[a]; p < rIndptr[a + 1]; p++) s2 += rValues[p] * rValues[p];
      norm[a] = Math.sqrt(s2);
    }
  }
  // next[d] = first position in col d whose entity is ≥ the current row (rows visited ascending).
  const next = new Int32Array(nDims);
  for (let d = 0; d < nDims; d++) {
    let lo = cIndptr[d];
    let hi = cIndptr[d + 1];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cIndices[mid] < from) lo = mid + 1;
      else hi = mid;
    }
    next[d] = lo;
  }
  let pairA = new Int32Array(1 << 16);
  let pairB = new Int32Array(1 << 16);
  let pairS = new Float32Array(1 << 16);
  let nPairs = 0;
  for (let a = from; a < to; a++) {
    let nTouched = 0;
    const pEnd = rIndptr[a + 1];
    for (let p = rIndptr[a]; p < pEnd; p++) {
      const d = rIndices[p];
      const x = rValues[p];
      const x2 = x * x;
      const qEnd = cIndptr[d + 1];
      let q = next[d];
      while (q < qEnd && cIndices[q] <= a) q++;
      next[d] = q;
      for (; q < qEnd; q++) {
        const b = cIndices[q];
        const y = cValues[q];
        if (cnt[b] === 0) touched[nTouched++] = b;
        cnt[b]++;
        prod[b] += x * y;
        sqa[b] += x2;
        sqb[b] += y * y;
        if (isPearson) {
          // the branch is loop-invariant and perfectly predicted
          sa[b] += x;
          sb[b] += y;
        }
      }
    }
    // Visit partners in index order (dense scan when the row is dense, else a numeric sort).
    if (nTouched * 16 > n) {
      let w = 0;
      for (let b = a + 1; b < n; b++) if (cnt[b] !== 0) touched[w++] = b;
    } else touched.subarray(0, nTouched).sort();
    if (nPairs + nTouched > pairA.length) {
      const cap = Math.max(pairA.length * 2, nPairs + nTouched);
      const na = new Int32Array(cap);
      na.set(pairA.subarray(0, nPairs));
      const nb = new Int32Array(cap);
      nb.set(pairB.subarray(0, nPairs));
      const ns = new Float32Array(cap);
      ns.set(pairS.subarray(0, nPairs));
      pairA = na;
      pairB = nb;
      pairS = ns;
    }
    for (let t = 0; t < nTouched; t++) {
      const b = touched[t];
      const c = cnt[b];
      let sim = 0;
      if (c >= minSupport) {
        if (isPearson) {
          const num = c * prod[b] - sa[b] * sb[b];
          const den = (c * sqa[b] - sa[b] * sa[b]) * (c * sqb[b] - sb[b] * sb[b]);
          sim = den > 0 ? num / Math.sqrt(den) : 0;
        } else if (isFull) {
          const den = norm[a] * norm[b];
          sim = den > 0 ? prod[b] / den : 0;
        } else {
          const den = sqa[b] * sqb[b];
          sim = den > 0 ? prod[b] / Math.sqrt(den) : 0;
        }
        if (shrink > 0) sim *= c / (c + shrink);
      }
      if (sim > 0) {
        pairA[nPairs] = a;
        pairB[nPairs] = b;
        pairS[nPairs] = sim;
        nPairs++;
      }
      cnt[b] = 0;
      prod[b] = 0;
      sqa[b] = 0;
      sqb[b] = 0;
      if (isPearson) {
        sa[b] = 0;
        sb[b] = 0;
      }
    }
  }
  return { a: pairA.slice(0, nPairs), b: pairB.slice(0, nPairs), s: pairS.slice(0, nPairs) };
}

const workerStats = { runs: 0, fallbacks: 0 };

/** How often the similarity pass used a worker thread, and how often it had to fall back to one thread. */
export function similarityWorkerStats(): { runs: number; fallbacks: number } {
  return { ...workerStats };
}

/** Below this many accumulator updates a second thread costs more than it saves. */
const PARALLEL_MIN_UPDATES = 4_000_000;

/**
 * Runs {@link similarityPairs} for rows [from, to) in a worker thread while the caller computes its
 * own share, and blocks (Atomics.wait) until the worker is done. The kernel's source is shipped as
 * an eval'd script, so the worker needs no TypeScript loader and starts in ~30 ms. Returns null
 * (caller computes the range itself) when a worker cannot be used.
 */
function startPairsWorker(args: Parameters<typeof similarityPairs>): { join(): PairList | null } | null {
  const wt = workerThreads();
  if (!wt) return null; // no worker support here (e.g. a browser bundle): single thread
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const channel = new wt.MessageChannel();
  const source = `
    const { workerData } = require('node:worker_threads');
    const similarityPairs = ${similarityPairs.toString()};
    const { port, flag, args } = workerData;
    try {
      const r = similarityPairs(...args);
      port.postMessage({ ok: true, r }, [r.a.buffer, r.b.buffer, r.s.buffer]);
    } catch (err) {
      port.postMessage({ ok: false, error: String(err && err.stack || err) });
    }
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  `;
  let worker: import('node:worker_threads').Worker;
  try {
    worker = startSourceWorker(source, { port: channel.port2, flag, args }, [channel.port2]);
  } catch {
    return null;
  }
  worker.unref();
  let failed = false;
  worker.on('error', () => {
    failed = true;
  });
  return {
    join(): PairList | null {
      // Generous bound: the worker's share is about the caller's, which is already done.
      const status = Atomics.wait(flag, 0, 0, 10 * 60_000);
      const msg = wt.receiveMessageOnPort(channel.port1)?.message as
        { ok: boolean; r?: PairList; error?: string } | undefined;
      void worker.terminate();
      channel.port1.close();
      if (status === 'timed-out' || failed || !msg || !msg.ok || !msg.r) return null;
      return msg.r;
    },
  };
}

/**
 * All positive similarities between the rows of `rows` (entities × dims), as a symmetric CSR
 * (entities × entities, sorted indices, no diagonal). `cols` must be the transpose of `rows` with
 * the same values. Non-positive similarities are dropped: kNN-with-baseline only ever uses
 * positive neighbours (Surprise skips sim ≤ 0), so nothing is lost for prediction.
 *
 * Only pairs a < b are accumulated (dense accumulators per row a, a moving pointer per dim skips
 * b ≤ a), then mirrored: time O(½ Σ_d |col d|²) (≈ 30M updates for item–item on
 * ml-latest-small), memory O(nEntities) scratch + 12 bytes per positive pair. With
 * `threads` = 2 and enough work, the upper triangle is split into two halves of equal work and
 * one runs in a worker thread; the result is identical to one thread.
 */
export function computeSimilarities(rows: Csr, cols: Csr, options: SimilarityOptions): Csr {
  if (cols.nRows !== rows.nCols || cols.nCols !== rows.nRows)
    throw new ShapeError('cols must be the transpose of rows');
  const n = rows.nRows;
  const mode = options.kernel === 'pearson' ? 2 : options.overlap === 'full' ? 1 : 0;
  const minSupport = Math.max(1, options.minSupport);
  const args = (from: number, to: number): Parameters<typeof similarityPairs> => [
    rows.indptr,
    rows.indices,
    rows.values,
    cols.indptr,
    cols.indices,
    cols.values,
    n,
    cols.nRows,
    from,
    to,
    mode,
    options.shrinkage,
    minSupport,
  ];

  // Work of row a = its partners b > a summed over its dims; split where half the work is done.
  const work = new Float64Array(n);
  let total = 0;
  const pos = cols.indptr.slice(0, cols.nRows);
  for (let a = 0; a < n; a++) {
    for (let p = rows.indptr[a]; p < rows.indptr[a + 1]; p++) {
      const d = rows.indices[p];
      const w = cols.indptr[d + 1] - pos[d] - 1; // a sits at pos[d] in col d
      pos[d]++;
      work[a] += w;
      total += w;
    }
  }
  const threads = options.threads ?? 2;
  const parts: PairList[] = [];
  let split = n;
  if (threads > 1 && total >= (options.parallelThreshold ?? PARALLEL_MIN_UPDATES)) {
    let acc = 0;
    split = 0;
    while (split < n && acc < total / 2) acc += work[split++];
  }
  const worker = split < n ? startPairsWorker(args(split, n)) : null;
  if (split < n && worker === null) workerStats.fallbacks++;
  if (worker === null) split = n;
  parts.push(similarityPairs(...args(0, split)));
  if (worker !== null) {
    const theirs = worker.join();
    if (theirs) workerStats.runs++;
    else workerStats.fallbacks++;
    parts.push(theirs ?? similarityPairs(...args(split, n)));
  }

  // Mirror: pairs arrive with a ascending and b ascending within a, so every row fills in order
  // (entries below the diagonal from earlier rows first, then the row's own upper entries).
  const indptr = new Int32Array(n + 1);
  let nPairs = 0;
  for (const part of parts) {
    nPairs += part.a.length;
    for (let t = 0; t < part.a.length; t++) {
      indptr[part.a[t] + 1]++;
      indptr[part.b[t] + 1]++;
    }
  }
  for (let r = 0; r < n; r++) indptr[r + 1] += indptr[r];
  const fill = indptr.slice(0, n);
  const indices = new Int32Array(2 * nPairs);
  const values = new Float32Array(2 * nPairs);
  for (const part of parts) {
    const pa = part.a;
    const pb = part.b;
    const ps = part.s;
    for (let t = 0; t < pa.length; t++) {
      const a = pa[t];
      const b = pb[t];
      const s = ps[t];
      let q = fill[a]++;
      indices[q] = b;
      values[q] = s;
      q = fill[b]++;
      indices[q] = a;
      values[q] = s;
    }
  }
  const full: Csr = { nRows: n, nCols: n, indptr, indices, values };
  return options.maxNeighbors > 0 ? truncateRows(full, options.maxNeighbors) : full;
}

/** Keeps the `k` highest values of each row (ties → lower index), rows stay index-sorted. O(nnz · log k). */
export function truncateRows(m: Csr, k: number): Csr {
  const indptr = new Int32Array(m.nRows + 1);
  for (let r = 0; r < m.nRows; r++) indptr[r + 1] = indptr[r] + Math.min(k, m.indptr[r + 1] - m.indptr[r]);
  const indices = new Int32Array(indptr[m.nRows]);
  const values = new Float32Array(indptr[m.nRows]);
  for (let r = 0; r < m.nRows; r++) {
    const pos = topKPositions(m.values, m.indices, m.indptr[r], m.indptr[r + 1], k).sort();
    for (let t = 0; t < pos.length; t++) {
      indices[indptr[r] + t] = m.indices[pos[t]];
      values[indptr[r] + t] = m.values[pos[t]];
    }
  }
  return { nRows: m.nRows, nCols: m.nCols, indptr, indices, values };
}

/**
 * Centres every stored value of `m` by its *column's* mean (for adjusted cosine on items × users,
 * the user's mean rating). Returns new values aligned with `m.values`. O(nnz).
 */
export function centreByColumnMean(m: Csr): Float32Array {
  const sum = new Float64Array(m.nCols);
  const count = new Int32Array(m.nCols);
  for (let p = 0; p < m.indptr[m.nRows]; p++) {
    sum[m.indices[p]] += m.values[p];
    count[m.indices[p]]++;
  }
  const out = new Float32Array(m.values.length);
  for (let p = 0; p < out.length; p++) {
    const c = m.indices[p];
    out[p] = m.values[p] - sum[c] / count[c];
  }
  return out;
}

/** Stored similarity of (a, b) by binary search in row a, or 0. O(log rowLength). */
export function similarityOf(sims: Csr, a: number, b: number): number {
  let lo = sims.indptr[a];
  let hi = sims.indptr[a + 1] - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = sims.indices[mid];
    if (c === b) return sims.values[mid];
    if (c < b) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}

/**
 * A small persistent pool of worker threads for the implicit-ALS half-sweeps. The fit stays
 * synchronous: the calling thread and the workers (sharing X, Y, G and the confidence CSR through
 * SharedArrayBuffers) claim chunks of rows until none is left, then the caller blocks on
 * Atomics.wait until the workers signal done. Workers are unref'd, so an idle pool never keeps the
 * process alive.
 *
 * Control block per worker (Int32Array over a SharedArrayBuffer):
 * [0] last finished job seq · [1] 1 once loaded · [2] last claimed job seq · [3] 1 after a failed job.
 * A job is claimed by compare-and-swap on [2]; a worker still loading (or not scheduled within a
 * moment) when the caller has solved every chunk has its job claimed by the caller instead, and the
 * stale message is ignored — so a slow worker start never delays a fit.
 */
import type { Worker } from 'node:worker_threads';
import type { Csr } from '../core/types';
import { ModelFitError } from '../core/types';
import { cgCost, woodburyCost } from './als-kernel';
import { solveRowChunks, solveRows } from './als-solve';
import { startTypeScriptWorker } from './threads';

export interface AlsJob {
  seq: number;
  X: SharedArrayBuffer;
  Y: SharedArrayBuffer;
  G: SharedArrayBuffer;
  indptr: SharedArrayBuffer;
  indices: SharedArrayBuffer;
  values: SharedArrayBuffer;
  nRows: number;
  nCols: number;
  k: number;
  /** Chunk row bounds (Int32Array) and the per-chunk claim flags shared by all threads. */
  bounds: SharedArrayBuffer;
  claims: SharedArrayBuffer;
  solver: 'cg' | 'cholesky';
  cgSteps: number;
  Z: SharedArrayBuffer | null;
  wbMax: number;
}

interface PoolWorker {
  worker: Worker;
  ctrl: Int32Array;
  seq: number;
}

const JOB_WAIT_MS = 30 * 60_000;
const pool: PoolWorker[] = [];
let isBroken = false;
const stats = { workerJobs: 0, takenOver: 0, chunks: 0, chunksByWorkers: 0 };

/**
 * Jobs run by workers vs. claimed back by the calling thread (worker not ready in time), and how
 * many row chunks there were and how many of them the workers solved.
 */
export function alsPoolStats(): {
  workerJobs: number;
  takenOver: number;
  chunks: number;
  chunksByWorkers: number;
  isBroken: boolean;
} {
  return { ...stats, isBroken };
}

/** Resolves once `n` pool workers have loaded (spawning them if needed), or rejects after `timeoutMs`. */
export async function waitForAlsWorkers(n: number, timeoutMs = 20_000): Promise<void> {
  warmUpAlsWorkers(n);
  const until = Date.now() + timeoutMs;
  while (pool.slice(0, n).some((w) => Atomics.load(w.ctrl, 1) !== 1)) {
    if (isBroken || Date.now() > until) throw new Error('ALS workers did not start');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function spawn(): PoolWorker {
  const ctrlBuf = new SharedArrayBuffer(16);
  const worker = startTypeScriptWorker(new URL('./als-worker.ts', import.meta.url), { ctrl: ctrlBuf });
  worker.on('error', (err) => {
    console.error('als-worker crashed; implicit ALS falls back to one thread', err);
    isBroken = true;
  });
  worker.unref();
  return { worker, ctrl: new Int32Array(ctrlBuf), seq: 0 };
}

/** Starts `n` workers ahead of time (loading TypeScript in a worker takes a few hundred ms). */
export function warmUpAlsWorkers(n: number): void {
  while (pool.length < n) pool.push(spawn());
}

/** Stops every pool worker (tests, clean shutdown). */
export async function shutdownAlsWorkers(): Promise<void> {
  const all = pool.splice(0);
  await Promise.all(all.map((w) => w.worker.terminate()));
}

/** Copies a typed array into SharedArrayBuffer-backed memory unless it already is. */
export function toShared<T extends Int32Array | Float32Array | Float64Array>(arr: T): T {
  if (arr.buffer instanceof SharedArrayBuffer) return arr;
  const Ctor = arr.constructor as { new (buf: SharedArrayBuffer): T };
  const out = new Ctor(new SharedArrayBuffer(arr.byteLength));
  out.set(arr as never);
  return out;
}

/**
 * Splits rows [0, n) into `parts` contiguous ranges of about equal cost, using the solver's own cost
 * model per row: 0 without positives, {@link woodburyCost} for rows up to `wbMax` positives, else
 * {@link cgCost} (the Cholesky solver: n·k² + k³).
 */
export function balancedRanges(
  indptr: Int32Array,
  n: number,
  k: number,
  parts: number,
  solver: 'cg' | 'cholesky' = 'cg',
  cgSteps = 3,
  wbMax = -1,
): Int32Array {
  const cum = new Float64Array(n + 1);
  for (let row = 0; row < n; row++) {
    const len = indptr[row + 1] - indptr[row];
    let c = 0;
    if (len > 0) {
      if (solver === 'cholesky') c = len * k * k + k * k * k;
      else c = wbMax > 0 && len <= wbMax ? woodburyCost(len, k) : cgCost(len, k, cgSteps);
    }
    cum[row + 1] = cum[row] + c;
  }
  const bounds = new Int32Array(parts + 1);
  let row = 0;
  for (let p = 1; p < parts; p++) {
    const target = (cum[n] * p) / parts;
    while (row < n && cum[row] < target) row++;
    bounds[p] = row;
  }
  bounds[parts] = n;
  return bounds;
}

/** Chunks per thread of a half-sweep: enough for a thread slowed by other load to hand work over. */
const CHUNKS_PER_THREAD = 8;

/**
 * Runs one half-sweep over all rows of `conf` with `threads` threads (the caller plus threads − 1
 * workers). The rows are cut into cost-balanced chunks that the threads claim as they go (the caller
 * from the first chunk, workers from the last; {@link solveRowChunks}), so a thread that other load
 * slows down simply does less. X, Y and the conf arrays must be SharedArrayBuffer-backed (see
 * {@link toShared}); the output equals `solveRows(X, Y, G, conf, k, 0, nRows, …)` bit for bit,
 * because rows are independent.
 */
export function runAlsHalfSweepParallel(
  X: Float32Array,
  Y: Float32Array,
  G: Float64Array,
  conf: Csr,
  k: number,
  solver: 'cg' | 'cholesky',
  cgSteps: number,
  threads: number,
  Z: Float64Array | null = null,
  wbMax = -1,
): void {
  const n = conf.nRows;
  if (isBroken || threads <= 1 || n < 2 * threads) {
    solveRows(X, Y, G, conf, k, 0, n, solver, cgSteps, Z, wbMax);
    return;
  }
  if (X.byteOffset !== 0 || Y.byteOffset !== 0)
    throw new ModelFitError('parallel ALS needs factor arrays that own their buffer');
  warmUpAlsWorkers(threads - 1);
  const Gs = toShared(G);
  const bounds = toShared(
    balancedRanges(conf.indptr, n, k, Math.min(n, CHUNKS_PER_THREAD * threads), solver, cgSteps, Z ? wbMax : -1),
  );
  const claims = new Int32Array(new SharedArrayBuffer((bounds.length - 1) * 4));
  const jobs: { w: PoolWorker; seq: number }[] = [];
  for (let t = 1; t < threads; t++) {
    const w = pool[t - 1];
    const seq = ++w.seq;
    const job: AlsJob = {
      seq,
      X: X.buffer as SharedArrayBuffer,
      Y: Y.buffer as SharedArrayBuffer,
      G: Gs.buffer as SharedArrayBuffer,
      indptr: toShared(conf.indptr).buffer as SharedArrayBuffer,
      indices: toShared(conf.indices).buffer as SharedArrayBuffer,
      values: toShared(conf.values).buffer as SharedArrayBuffer,
      nRows: conf.nRows,
      nCols: conf.nCols,
      k,
      bounds: bounds.buffer as SharedArrayBuffer,
      claims: claims.buffer as SharedArrayBuffer,
      solver,
      cgSteps,
      Z: Z ? (toShared(Z).buffer as SharedArrayBuffer) : null,
      wbMax,
    };
    w.worker.postMessage(job);
    jobs.push({ w, seq });
  }
  const mine = solveRowChunks(X, Y, G, conf, k, bounds, claims, false, solver, cgSteps, Z, wbMax);
  stats.chunks += claims.length;
  stats.chunksByWorkers += claims.length - mine;
  // Every chunk is claimed now. A worker that has not claimed its job has not started a chunk: let a
  // loaded worker take its (empty) job for a moment, else cancel the job by claiming it here.
  for (const { w, seq } of jobs) {
    if (Atomics.load(w.ctrl, 2) !== seq) {
      const deadline = Date.now() + (Atomics.load(w.ctrl, 1) === 1 ? 1000 : 0);
      while (Atomics.load(w.ctrl, 2) !== seq && Date.now() < deadline) Atomics.wait(w.ctrl, 2, seq - 1, 5);
      if (Atomics.compareExchange(w.ctrl, 2, seq - 1, seq) === seq - 1) {
        stats.takenOver++;
        Atomics.store(w.ctrl, 0, seq);
        continue;
      }
    }
    const until = Date.now() + JOB_WAIT_MS;
    while (Atomics.load(w.ctrl, 0) !== seq) {
      if (Date.now() > until) throw new ModelFitError('implicit-als worker did not finish its chunk');
      Atomics.wait(w.ctrl, 0, Atomics.load(w.ctrl, 0), 1000);
    }
    stats.workerJobs++;
    if (Atomics.load(w.ctrl, 3) === 1) {
      Atomics.store(w.ctrl, 3, 0);
      throw new ModelFitError('implicit-als worker failed on a chunk of rows');
    }
  }
}

/**
 * Base-model fits in a background worker thread, so the hybrid's independent fits use a second core while the
 * calling thread fits other bases or learns the blends. The hybrid's fit stays synchronous:
 *
 * - {@link startBackgroundFits} posts a queue of fit requests (recommender, config, data) to one worker, which
 *   claims them in order.
 * - The caller {@link BackgroundFits.take}s a request when it needs the model: a request the worker has not claimed
 *   yet is claimed by the caller (it fits it itself, so a slow or busy worker never delays the fit); one the worker
 *   has claimed is waited for (Atomics.wait) and received synchronously from a MessageChannel port.
 *
 * Only recommenders of {@link BACKGROUND_RECOMMENDERS} run in the worker: it resolves them by name to the same
 * code, and fits are deterministic, so a model fitted there equals the caller's own fit bit for bit (structured
 * clone copies typed arrays exactly). Anything else (a custom recommender, external factors) is fitted by the
 * caller. Claims and completion live in shared Int32Arrays: claim[j] 0 free · 1 worker · 2 caller;
 * done[j] 0 pending · 1 model posted · 2 fit failed (the caller then fits it itself and sees the same error).
 * The worker exits once its queue is empty or {@link BackgroundFits.close} asks it to stop; it is unref'd.
 */
import type { MessagePort, Worker } from 'node:worker_threads';
import { biasedMfRecommender } from '../algorithms/biased-mf';
import { easeRecommender } from '../algorithms/ease';
import { itemKnnRecommender } from '../algorithms/item-knn';
import type { Csr, ImplicitPart, RatingMatrix, Recommender } from '../core/types';
import { ModelFitError } from '../core/types';
import { startTypeScriptWorker, workerThreads } from '../kernels/threads';

/** Recommenders a background worker can fit, by the name the worker resolves (fit-worker.ts has the same table). */
export const BACKGROUND_RECOMMENDERS: Readonly<Record<string, Recommender<unknown, unknown>>> = {
  'biased-mf': biasedMfRecommender as Recommender<unknown, unknown>,
  ease: easeRecommender as Recommender<unknown, unknown>,
  'item-knn': itemKnnRecommender as Recommender<unknown, unknown>,
};

/**
 * Settings: `enabled` false fits everything on the calling thread; below `minRatings` ratings a fit is too short
 * to pay for a worker's start (≈ 0.5 s of loading TypeScript); above `maxRatings` the worker's copies of the rating
 * matrices and its own fit working set cost too much memory (at ML-25M shape the recompute grew from 11 GB to
 * over 19 GB and was OOM-killed on a 24 GB machine), so large sets fit on the calling thread as before;
 * `callerSteals` false makes the caller wait for the worker instead of claiming queued fits (tests use it to prove
 * the worker's models are the same).
 */
export const backgroundFitOptions = { enabled: true, minRatings: 300_000, maxRatings: 5_000_000, callerSteals: true };

/** A fit the caller will need: `data` is matched by identity, `config` by its JSON. */
export interface FitRequest {
  recommender: Recommender<unknown, unknown>;
  config: unknown;
  data: RatingMatrix;
}

/** Plain-data form of a {@link RatingMatrix} (vocabularies as their sorted ids), for postMessage. */
export interface PlainRatingMatrix {
  userIds: Int32Array;
  itemIds: Int32Array;
  byUser: Csr;
  byItem: Csr;
  globalMean: number;
  scale: readonly [number, number];
  /** The implicit part (watches, likes, watchlist adds), when the matrix has one. */
  implicit?: ImplicitPart;
}

/** One queued fit as the worker sees it. */
export interface FitJob {
  recommender: string;
  config: unknown;
  /** Index into the posted data sets. */
  data: number;
}

/** The message that starts the worker's queue. */
export interface FitQueueMessage {
  datasets: PlainRatingMatrix[];
  jobs: FitJob[];
  claims: SharedArrayBuffer;
  done: SharedArrayBuffer;
}

/** A result the worker posts on the channel. */
export interface FitResultMessage {
  job: number;
  model?: unknown;
  error?: string;
  seconds: number;
}

export interface BackgroundFits {
  /**
   * The model of `req` if the worker fitted it (waits while the worker is on it), else undefined and the caller
   * fits it itself (not queued, already taken, claimed here first, or failed in the worker).
   */
  take(req: FitRequest, log?: (m: string) => void): unknown;
  /** Whether `req` is queued and nobody has started it yet (the caller may do other work first). */
  isQueued(req: FitRequest): boolean;
  /** Whether the worker is fitting `req` right now (taking it would wait). */
  isRunning(req: FitRequest): boolean;
  /** Stops the worker after its current fit. */
  close(): void;
}

const stats = { started: 0, byWorker: 0, byCaller: 0, failed: 0, waitedSeconds: 0 };

/** Fits done by background workers vs. claimed back by the caller, and the time the caller spent waiting. */
export function backgroundFitStats(): typeof stats {
  return { ...stats };
}

const JOB_WAIT_MS = 30 * 60_000;

function nameOf(rec: Recommender<unknown, unknown>): string | null {
  for (const [name, r] of Object.entries(BACKGROUND_RECOMMENDERS)) if (r === rec) return name;
  return null;
}

function plain(data: RatingMatrix): PlainRatingMatrix {
  return {
    userIds: data.users.ids,
    itemIds: data.items.ids,
    byUser: data.byUser,
    byItem: data.byItem,
    globalMean: data.globalMean,
    scale: data.scale,
    ...(data.implicit ? { implicit: data.implicit } : {}),
  };
}

const keyOf = (name: string, config: unknown, dataIdx: number) => `${name}|${JSON.stringify(config)}|${dataIdx}`;

/**
 * Starts one worker on the requests the worker can fit (others are ignored), in the given order (put first what
 * the caller needs last). Returns null when nothing qualifies, workers are disabled or unavailable, or the data
 * are outside {@link backgroundFitOptions}' minRatings … maxRatings; the caller then fits everything itself, with the
 * same result.
 */
export function startBackgroundFits(requests: readonly FitRequest[]): BackgroundFits | null {
  if (!backgroundFitOptions.enabled) return null;
  const datasets: RatingMatrix[] = [];
  const jobs: FitJob[] = [];
  const index = new Map<string, number>();
  for (const req of requests) {
    const name = nameOf(req.recommender);
    const nRatings = req.data.byUser.indptr[req.data.byUser.nRows];
    if (name === null || nRatings < backgroundFitOptions.minRatings || nRatings > backgroundFitOptions.maxRatings)
      continue;
    let d = datasets.indexOf(req.data);
    if (d < 0) d = datasets.push(req.data) - 1;
    const key = keyOf(name, req.config, d);
    if (index.has(key)) continue;
    index.set(key, jobs.length);
    jobs.push({ recommender: name, config: req.config, data: d });
  }
  if (jobs.length === 0) return null;
  const wt = workerThreads();
  if (!wt) return null;
  const claims = new Int32Array(new SharedArrayBuffer(4 * jobs.length));
  const done = new Int32Array(new SharedArrayBuffer(4 * jobs.length));
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const channel = new wt.MessageChannel();
  let worker: Worker;
  try {
    worker = startTypeScriptWorker(new URL('./fit-worker.ts', import.meta.url), { port: channel.port2, stop }, [
      channel.port2,
    ]);
  } catch {
    channel.port1.close();
    return null;
  }
  worker.unref();
  worker.on('error', (err) => console.error('fit-worker crashed; its queued fits run on the calling thread', err));
  const message: FitQueueMessage = {
    datasets: datasets.map(plain),
    jobs,
    claims: claims.buffer as SharedArrayBuffer,
    done: done.buffer as SharedArrayBuffer,
  };
  worker.postMessage(message);
  stats.started++;
  const received = new Map<number, FitResultMessage>();
  const taken = new Uint8Array(jobs.length);
  const port: MessagePort = channel.port1;

  const find = (req: FitRequest): number => {
    const name = nameOf(req.recommender);
    const d = datasets.indexOf(req.data);
    if (name === null || d < 0) return -1;
    const j = index.get(keyOf(name, req.config, d));
    return j === undefined || taken[j] ? -1 : j;
  };
  const receive = (j: number): FitResultMessage | undefined => {
    while (!received.has(j)) {
      const m = wt.receiveMessageOnPort(port)?.message as FitResultMessage | undefined;
      if (!m) return undefined;
      received.set(m.job, m);
    }
    const m = received.get(j);
    received.delete(j);
    return m;
  };

  return {
    isQueued(req) {
      const j = find(req);
      return j >= 0 && Atomics.load(claims, j) === 0;
    },
    isRunning(req) {
      const j = find(req);
      return j >= 0 && Atomics.load(claims, j) === 1 && Atomics.load(done, j) === 0;
    },
    take(req, log = () => {}) {
      const j = find(req);
      if (j < 0) return undefined;
      taken[j] = 1;
      const steal = backgroundFitOptions.callerSteals || Atomics.load(stop, 0) === 1;
      if (steal && Atomics.compareExchange(claims, j, 0, 2) === 0) {
        stats.byCaller++;
        return undefined;
      }
      const t0 = performance.now();
      const until = Date.now() + JOB_WAIT_MS;
      while (Atomics.load(done, j) === 0) {
        if (Date.now() > until) throw new ModelFitError(`background fit of ${jobs[j].recommender} did not finish`);
        // Not claimed (only when the caller does not steal): a worker that never started leaves it to the caller.
        if (
          Atomics.load(claims, j) === 0 &&
          performance.now() - t0 > 60_000 &&
          Atomics.compareExchange(claims, j, 0, 2) === 0
        ) {
          stats.byCaller++;
          return undefined;
        }
        Atomics.wait(done, j, 0, 1000);
      }
      const waited = (performance.now() - t0) / 1000;
      stats.waitedSeconds += waited;
      const m = receive(j);
      if (Atomics.load(done, j) !== 1 || !m || m.error !== undefined) {
        stats.failed++;
        log(`  ${jobs[j].recommender}: background fit failed (${m?.error ?? 'no result'}), fitting here`);
        return undefined;
      }
      stats.byWorker++;
      log(
        `  fit ${jobs[j].recommender} in ${m.seconds.toFixed(2)} s on the second thread (waited ${waited.toFixed(2)} s)`,
      );
      return m.model;
    },
    close() {
      Atomics.store(stop, 0, 1);
      Atomics.notify(stop, 0);
      received.clear();
      port.close();
    },
  };
}

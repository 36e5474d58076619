/**
 * # kernels/ — hot loops and threads
 *
 * Holds: the hand-written WebAssembly kernels (ALS row solves: als-wasm.ts, als-solve.ts, with their TypeScript
 * twins in als-kernel.ts; the served model's sparse sums: serving-wasm.ts), the ALS worker pool (als-pool.ts,
 * als-worker.ts) and the one place engine threads start (this file, worker-boot.mjs).
 * May import: core only.
 * Invariants: every kernel gives the same bits as its TypeScript twin (als-wasm.test.ts, serving/kernels.test.ts),
 * and a fit gives the same model for any thread count, with or without WebAssembly or worker threads (each caller
 * falls back to its own thread); workers are unref'd, so an idle pool never keeps a process alive.
 */
/**
 * The one place the engine starts worker threads, one function per kind of entry:
 * - {@link startTypeScriptWorker}: a TypeScript module (the ALS pool's als-worker.ts, the background fit worker
 *   hybrid/fit-worker.ts), started through worker-boot.mjs, which registers tsx inside the thread (the parent's
 *   loader flags do not reach workers, under tsx or vitest alike);
 * - {@link startSourceWorker}: self-contained JavaScript source, eval'd (the similarity pass ships its kernel's own
 *   source): no loader, ≈ 30 ms to start.
 * node:worker_threads is looked up at run time ({@link workerThreads}), so bundlers never pull it into client code;
 * where threads are unavailable every caller computes on its own thread instead.
 */
import type { TransferListItem, Worker } from 'node:worker_threads';

export type WorkerThreads = typeof import('node:worker_threads');

/** node:worker_threads, or null where there are no worker threads (callers then stay on one thread). */
export function workerThreads(): WorkerThreads | null {
  try {
    return ((globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.(
      'node:worker_threads',
    ) ?? null) as WorkerThreads | null;
  } catch {
    return null;
  }
}

function threads(): WorkerThreads {
  const wt = workerThreads();
  if (!wt) throw new Error('worker threads are not available here');
  return wt;
}

/** Starts `entry` (a TypeScript module URL) in a worker thread; it reads `workerData` as given. Throws when it cannot. */
export function startTypeScriptWorker(
  entry: URL,
  workerData: Record<string, unknown>,
  transferList: readonly TransferListItem[] = [],
): Worker {
  const boot = new URL('./worker-boot.mjs', import.meta.url);
  return new (threads().Worker)(boot, {
    workerData: { ...workerData, entry: entry.href },
    transferList: [...transferList],
    execArgv: [],
  });
}

/** Starts self-contained CommonJS `source` in a worker thread (eval'd; `require` works, no TypeScript). Throws when it cannot. */
export function startSourceWorker(
  source: string,
  workerData: Record<string, unknown>,
  transferList: readonly TransferListItem[] = [],
): Worker {
  return new (threads().Worker)(source, { eval: true, workerData, transferList: [...transferList] });
}

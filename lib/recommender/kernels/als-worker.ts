/**
 * Worker-thread entry for implicit ALS half-sweeps. Jobs arrive by postMessage with
 * SharedArrayBuffer-backed arrays; completion is signalled through the shared control block so
 * the (synchronous) fit can block on Atomics.wait. Control layout: see als-pool.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { solveRowChunks } from './als-solve';
import { alsWasm } from './als-wasm';
import type { AlsJob } from './als-pool';

// Compile the SIMD kernels while the worker is idle, not inside its first job.
alsWasm();
const ctrl = new Int32Array(workerData.ctrl as SharedArrayBuffer);
Atomics.store(ctrl, 1, 1);
Atomics.notify(ctrl, 1);

parentPort?.on('message', (job: AlsJob) => {
  // Claim the job; the main thread may already have taken it over after a start-up timeout.
  if (Atomics.compareExchange(ctrl, 2, job.seq - 1, job.seq) !== job.seq - 1) return;
  try {
    const conf = {
      nRows: job.nRows,
      nCols: job.nCols,
      indptr: new Int32Array(job.indptr),
      indices: new Int32Array(job.indices),
      values: new Float32Array(job.values),
    };
    const bounds = new Int32Array(job.bounds);
    const claims = new Int32Array(job.claims);
    solveRowChunks(
      new Float32Array(job.X),
      new Float32Array(job.Y),
      new Float64Array(job.G),
      conf,
      job.k,
      bounds,
      claims,
      true,
      job.solver,
      job.cgSteps,
      job.Z ? new Float64Array(job.Z) : null,
      job.wbMax,
    );
  } catch (err) {
    console.error('als-worker: job failed', err);
    Atomics.store(ctrl, 3, 1);
  }
  Atomics.store(ctrl, 0, job.seq);
  Atomics.notify(ctrl, 0);
});

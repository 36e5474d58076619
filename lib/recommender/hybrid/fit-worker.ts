/**
 * Worker-thread entry for background base-model fits (see fit-pool.ts): receives the queue once, claims its jobs
 * in order (compare-and-swap on the shared claim flags, so the calling thread can take any job first), posts each
 * model on the channel port, then exits.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { createVocabulary } from '../core/sparse';
import type { RatingMatrix } from '../core/types';
import {
  BACKGROUND_RECOMMENDERS,
  type FitQueueMessage,
  type FitResultMessage,
  type PlainRatingMatrix,
} from './fit-pool';

const { port, stop } = workerData as { port: MessagePort; stop: Int32Array };

function ratingMatrix(p: PlainRatingMatrix): RatingMatrix {
  // The vocabularies' ids are sorted and distinct, so rebuilding them gives the same index.
  return {
    users: createVocabulary(p.userIds),
    items: createVocabulary(p.itemIds),
    byUser: p.byUser,
    byItem: p.byItem,
    globalMean: p.globalMean,
    scale: p.scale,
    ...(p.implicit ? { implicit: p.implicit } : {}),
  };
}

parentPort?.once('message', (msg: FitQueueMessage) => {
  const claims = new Int32Array(msg.claims);
  const done = new Int32Array(msg.done);
  const datasets = msg.datasets.map(ratingMatrix);
  for (let j = 0; j < msg.jobs.length; j++) {
    if (Atomics.load(stop, 0) === 1) break;
    if (Atomics.compareExchange(claims, j, 0, 1) !== 0) continue;
    const job = msg.jobs[j];
    const t0 = performance.now();
    let result: FitResultMessage;
    try {
      const model = BACKGROUND_RECOMMENDERS[job.recommender].fit(datasets[job.data], job.config);
      result = { job: j, model, seconds: (performance.now() - t0) / 1000 };
    } catch (err) {
      result = { job: j, error: String((err as Error)?.stack ?? err), seconds: (performance.now() - t0) / 1000 };
    }
    try {
      port.postMessage(result);
      Atomics.store(done, j, result.error === undefined ? 1 : 2);
    } catch (err) {
      // A model that cannot be cloned: the caller fits it itself.
      port.postMessage({ job: j, error: String(err), seconds: result.seconds } satisfies FitResultMessage);
      Atomics.store(done, j, 2);
    }
    Atomics.notify(done, j);
  }
});

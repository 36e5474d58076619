// Background worker: model recomputes (nightly + on demand), catalogue imports and members' large history imports.
// `npm start` runs it for you.
import { startWorker } from '../lib/server/jobs/worker';

const stopWorker = await startWorker();
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    void stopWorker().finally(() => process.exit(0));
  });
}

// Worker entry: registers tsx's loader inside this worker thread, then loads the TypeScript worker
// (workerData.entry, a file URL, else the ALS worker).
// (Loader flags of the parent are not applied to workers, under tsx or vitest alike.)
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData?.entry ?? './als-worker.ts');

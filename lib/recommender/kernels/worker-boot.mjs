// Worker entry of every TypeScript engine thread (kernels/threads.ts startTypeScriptWorker): registers tsx's loader
// inside this thread, then loads workerData.entry (a file URL).
// (Loader flags of the parent are not applied to workers, under tsx or vitest alike.)
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);

import 'server-only';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CatalogueFiles } from './catalogue-read';

// The thread loads the TypeScript module through tsx (the worker process runs under tsx too).
const BOOT = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { register } = await import(workerData.tsx);
  register();
  const { readCatalogueFiles } = await import(workerData.module);
  try {
    const out = readCatalogueFiles(workerData.dataDir);
    const transfer = out.ratings ? [out.ratings.movielensUserIds.buffer, out.ratings.movieIds.buffer, out.ratings.ratings.buffer, out.ratings.timestamps.buffer] : [];
    parentPort.postMessage({ ok: true, out }, transfer);
  } catch (err) {
    parentPort.postMessage({ ok: false, message: err && err.message ? err.message : String(err), code: err && err.code });
  }
})().catch((err) => parentPort.postMessage({ ok: false, message: String(err && err.stack || err) }));
`;

/** readCatalogueFiles in a worker thread: the calling event loop (and an embedded database on it) stays free. */
export function readCatalogueFilesInThread(dataDir: string): Promise<CatalogueFiles> {
  const require = createRequire(import.meta.url);
  // The ESM entry (require.resolve finds the CommonJS one).
  const tsx = pathToFileURL(require.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const readerModule = new URL('./catalogue-read.ts', import.meta.url).href;
  return new Promise((resolvePromise, reject) => {
    const worker = new Worker(BOOT, { eval: true, workerData: { tsx, module: readerModule, dataDir } });
    worker.once('message', (msg: { ok: true; out: CatalogueFiles } | { ok: false; message: string; code?: string }) => {
      void worker.terminate();
      if (msg.ok) resolvePromise(msg.out);
      else reject(Object.assign(new Error(msg.message), { code: msg.code }));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the catalogue reader thread exited with code ${code}`));
    });
  });
}

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
    const out = readCatalogueFiles(workerData.dataDir, workerData.maxIssues);
    // Movies and tags in slices: the receiving thread decodes one slice per message, so its event loop (and an
    // embedded database on it) is never held for the whole catalogue at once.
    const STEP = 2000;
    for (let i = 0; i < out.movies.length; i += STEP) {
      parentPort.postMessage({ part: 'movies', movies: out.movies.slice(i, i + STEP), hashes: out.hashes.slice(i, i + STEP) });
    }
    for (let i = 0; i < out.tags.length; i += STEP * 5) parentPort.postMessage({ part: 'tags', tags: out.tags.slice(i, i + STEP * 5) });
    const transfer = out.ratings ? [out.ratings.movielensUserIds.buffer, out.ratings.movieIds.buffer, out.ratings.ratings.buffer, out.ratings.timestamps.buffer] : [];
    parentPort.postMessage({ ok: true, out: { ...out, movies: [], hashes: [], tags: [] } }, transfer);
  } catch (err) {
    parentPort.postMessage({ ok: false, message: err && err.message ? err.message : String(err), code: err && err.code });
  }
})().catch((err) => parentPort.postMessage({ ok: false, message: String(err && err.stack || err) }));
`;

/** readCatalogueFiles in a worker thread: the calling event loop (and an embedded database on it) stays free. */
export function readCatalogueFilesInThread(dataDir: string, maxIssues?: number): Promise<CatalogueFiles> {
  const require = createRequire(import.meta.url);
  // The ESM entry (require.resolve finds the CommonJS one).
  const tsx = pathToFileURL(require.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const readerModule = new URL('./catalogue-read.ts', import.meta.url).href;
  return new Promise((resolvePromise, reject) => {
    const worker = new Worker(BOOT, { eval: true, workerData: { tsx, module: readerModule, dataDir, maxIssues } });
    const movies: CatalogueFiles['movies'] = [];
    const hashes: string[] = [];
    const tags: CatalogueFiles['tags'] = [];
    type Msg =
      | { part: 'movies'; movies: CatalogueFiles['movies']; hashes: string[] }
      | { part: 'tags'; tags: CatalogueFiles['tags'] }
      | { ok: true; out: CatalogueFiles }
      | { ok: false; message: string; code?: string };
    worker.on('message', (msg: Msg) => {
      if ('part' in msg) {
        if (msg.part === 'movies') {
          for (const m of msg.movies) movies.push(m);
          for (const h of msg.hashes) hashes.push(h);
        } else for (const t of msg.tags) tags.push(t);
        return;
      }
      void worker.terminate();
      if (msg.ok) resolvePromise({ ...msg.out, movies, hashes, tags });
      else reject(Object.assign(new Error(msg.message), { code: msg.code }));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the catalogue reader thread exited with code ${code}`));
    });
  });
}

import 'server-only';
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Unzip, UnzipInflate, UnzipPassThrough } from 'fflate';
import { AppError } from '../errors';
import { SMALL_DIR } from './data-source';

/** Where uploaded and downloaded catalogues are kept (git-ignored). */
export const UPLOAD_ROOT = resolve('.data', 'uploads');
export const DOWNLOAD_ROOT = resolve('.data', 'downloads');

/** A file the importer reads, and where it goes in the catalogue layout. */
const LAYOUT: Record<string, string> = {
  'movies.csv': SMALL_DIR,
  'links.csv': SMALL_DIR,
  'tags.csv': SMALL_DIR,
  'ratings.csv': SMALL_DIR,
  'movies_metadata.csv': 'tmdb',
  'credits.csv': 'tmdb',
  'keywords.csv': 'tmdb',
};
export const CATALOGUE_FILE_NAMES = Object.keys(LAYOUT);

/** ml-25m's zip is 250 MB; its ratings.csv 680 MB unpacked. */
export const MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;
export const MAX_UNPACKED_BYTES = 3 * 1024 * 1024 * 1024;

export class SourceError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID', message, options);
    this.name = 'SourceError';
  }
}

export function uploadDir(uploadId: string): string {
  if (!/^[a-f0-9]{24}$/.test(uploadId)) throw new SourceError('That upload does not exist: upload the files again.');
  return join(UPLOAD_ROOT, uploadId);
}

export function newUploadId(): string {
  return randomBytes(12).toString('hex');
}

/** `movies.csv` → its path in the layout; a zip name → null (unpacked later); anything else throws. */
export function layoutPath(root: string, fileName: string): string | null {
  const name = basename(fileName).toLowerCase();
  if (name.endsWith('.zip')) return null;
  const dir = LAYOUT[name];
  if (!dir)
    throw new SourceError(
      `${fileName} is not a catalogue file: expected ${CATALOGUE_FILE_NAMES.join(', ')} or one .zip of them.`,
    );
  return join(root, dir, name);
}

/**
 * Streams `body` to `path` and stops past `maxBytes` (the partial file is removed). Returns the bytes written and
 * their sha256.
 */
export async function streamToFile(
  body: ReadableStream<Uint8Array> | Readable,
  path: string,
  maxBytes: number,
  onChunk: (bytesSoFar: number) => void = () => {},
): Promise<{ bytes: number; sha256: string }> {
  mkdirSync(join(path, '..'), { recursive: true });
  const tmp = `${path}.part-${randomBytes(4).toString('hex')}`;
  const hash = createHash('sha256');
  let bytes = 0;
  const source =
    body instanceof Readable ? body : Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>);
  try {
    await pipeline(
      source,
      async function* (chunks: AsyncIterable<Uint8Array>) {
        for await (const chunk of chunks) {
          bytes += chunk.byteLength;
          if (bytes > maxBytes)
            throw new SourceError(`The file is larger than the ${Math.round(maxBytes / 1024 / 1024)} MB limit.`);
          hash.update(chunk);
          onChunk(bytes);
          yield chunk;
        }
      },
      createWriteStream(tmp),
    );
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  return { bytes, sha256: hash.digest('hex') };
}

/**
 * Unpacks the catalogue files of a zip (at any depth: `ml-25m/movies.csv` works) into the layout under `root`,
 * streaming, with a limit on the unpacked size. Other entries (genome scores, READMEs) are skipped.
 */
export async function extractZipToLayout(zipPath: string, root: string): Promise<string[]> {
  const found: string[] = [];
  let unpacked = 0;
  let failure: unknown = null;
  const open = new Set<number>();
  const unzip = new Unzip((file) => {
    const name = basename(file.name).toLowerCase();
    const dir = LAYOUT[name];
    if (!dir || file.name.endsWith('/') || basename(file.name).startsWith('._')) return;
    const target = join(root, dir, name);
    mkdirSync(join(target, '..'), { recursive: true });
    const fd = openSync(target, 'w');
    open.add(fd);
    found.push(name);
    file.ondata = (err, chunk, final) => {
      if (failure) return;
      if (err) {
        failure = err;
        return;
      }
      unpacked += chunk.byteLength;
      if (unpacked > MAX_UNPACKED_BYTES) {
        failure = new SourceError(`The zip unpacks to more than ${Math.round(MAX_UNPACKED_BYTES / 1024 ** 3)} GB.`);
        return;
      }
      writeSync(fd, chunk);
      if (final) {
        closeSync(fd);
        open.delete(fd);
      }
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  unzip.register(UnzipPassThrough);
  try {
    for await (const chunk of createReadStream(zipPath, { highWaterMark: 1 << 20 })) {
      unzip.push(chunk as Uint8Array);
      if (failure) break;
    }
    if (!failure) unzip.push(new Uint8Array(0), true);
  } catch (err) {
    failure ??= err;
  } finally {
    for (const fd of open) closeSync(fd);
  }
  if (failure) {
    throw failure instanceof AppError
      ? failure
      : new SourceError(`The zip could not be read: ${(failure as Error).message}`, { cause: failure });
  }
  if (found.length === 0) throw new SourceError(`The zip holds none of ${CATALOGUE_FILE_NAMES.join(', ')}.`);
  return found;
}

/** The catalogue files present under a layout root (for the source label). */
export function listLayoutFiles(root: string): string[] {
  const out: string[] = [];
  for (const dir of [SMALL_DIR, 'tmdb']) {
    const d = join(root, dir);
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d)) if (LAYOUT[f]) out.push(f);
  }
  return out;
}

/** An uploaded set: unpacks any zip into the layout and checks movies.csv is there. Returns the layout root. */
export async function finishUpload(uploadId: string): Promise<{ dir: string; files: string[] }> {
  const dir = uploadDir(uploadId);
  if (!existsSync(dir)) throw new SourceError('That upload does not exist any more: upload the files again.');
  for (const f of readdirSync(dir)) {
    if (f.toLowerCase().endsWith('.zip')) {
      await extractZipToLayout(join(dir, f), dir);
      rmSync(join(dir, f));
    }
  }
  const files = listLayoutFiles(dir);
  if (!files.includes('movies.csv'))
    throw new SourceError('The upload has no movies.csv: it is the one file a catalogue needs.');
  return { dir, files };
}

/**
 * Downloads a GroupLens release zip (or any zip of catalogue files) into `DOWNLOAD_ROOT/<name>`, checks its size and
 * (when given) its sha256 while streaming, and unpacks it into the layout. A failed download leaves nothing behind.
 */
export async function downloadCatalogue(
  url: string,
  name: string,
  opts: { sha256?: string; timeoutMs?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<{ dir: string; files: string[]; bytes: number; sha256: string }> {
  const dir = join(DOWNLOAD_ROOT, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  try {
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(opts.timeoutMs ?? 30 * 60_000) });
    } catch (err) {
      throw new SourceError(`Could not download ${url}: ${(err as Error).message}`, { cause: err });
    }
    if (!res.ok || !res.body) throw new SourceError(`${url} answered ${res.status} ${res.statusText}`.trim());
    const total = Number(res.headers.get('content-length') ?? 0);
    if (total > MAX_UPLOAD_BYTES)
      throw new SourceError(`${url} is ${total} bytes, more than the ${MAX_UPLOAD_BYTES} allowed.`);
    const zipPath = join(dir, 'download.zip');
    const { bytes, sha256 } = await streamToFile(res.body, zipPath, MAX_UPLOAD_BYTES, (done) =>
      opts.onProgress?.(done, total),
    );
    if (opts.sha256 && sha256 !== opts.sha256.toLowerCase()) {
      throw new SourceError(`The download's sha256 is ${sha256}, not the expected ${opts.sha256}: nothing was loaded.`);
    }
    const files = await extractZipToLayout(zipPath, dir);
    rmSync(zipPath);
    if (!files.includes('movies.csv')) throw new SourceError(`${url} has no movies.csv.`);
    return { dir, files, bytes, sha256 };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * The upload or download folder `dir` lies in (`UPLOAD_ROOT/<id>` or `DOWNLOAD_ROOT/<name>`), or null for any other
 * folder: the server's DATA_DIR is never one of ours to delete.
 */
export function ownedCatalogueFolder(dir: string, roots = [UPLOAD_ROOT, DOWNLOAD_ROOT]): string | null {
  const abs = resolve(dir);
  for (const root of roots) {
    const rel = relative(root, abs);
    if (rel && !rel.startsWith('..') && !isAbsolute(rel)) return join(root, rel.split(sep)[0]);
  }
  return null;
}

/**
 * Deletes the uploaded or downloaded files of a dry run or reload once nothing can use them any more (its reload was
 * applied, cancelled or failed). Returns the folder removed, or null when `dir` is not an upload or download.
 */
export function removeCatalogueFiles(dir: string | null, roots = [UPLOAD_ROOT, DOWNLOAD_ROOT]): string | null {
  const owned = dir ? ownedCatalogueFolder(dir, roots) : null;
  if (!owned) return null;
  rmSync(owned, { recursive: true, force: true });
  return owned;
}

/** The newest modification time under `path` (the folder itself included), in ms. */
function newestMtime(path: string): number {
  const st = statSync(path);
  let newest = st.mtimeMs;
  if (st.isDirectory()) {
    for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/**
 * Deletes upload and download folders nothing has written to for `maxAgeMs` (dry runs never applied, uploads never
 * previewed, files of a worker that died), except the folders of queued or running jobs (`keep`). Run at worker start.
 * Returns the folders removed.
 */
export function sweepCatalogueFolders(opts: {
  maxAgeMs: number;
  keep?: readonly (string | null)[];
  now?: number;
  roots?: string[];
}): string[] {
  const roots = opts.roots ?? [UPLOAD_ROOT, DOWNLOAD_ROOT];
  const keep = new Set(opts.keep?.map((d) => (d ? ownedCatalogueFolder(d, roots) : null)).filter((d) => d !== null));
  const now = opts.now ?? Date.now();
  const removed: string[] = [];
  for (const root of roots) {
    if (!existsSync(root)) continue;
    for (const name of readdirSync(root)) {
      const dir = join(root, name);
      if (keep.has(dir)) continue;
      let age: number;
      try {
        age = now - newestMtime(dir);
      } catch (err) {
        // Removed meanwhile (an upload finishing or a job cleaning up): nothing to sweep.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw err;
      }
      if (age < opts.maxAgeMs) continue;
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    }
  }
  return removed;
}

import 'server-only';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';
import { SMALL_DIR } from './data-source';

const REQUIRED = ['movies.csv', 'ratings.csv', 'links.csv', 'tags.csv'];
/** The official archive is about 1 MB; anything far larger is not it. */
const MAX_BYTES = 50 * 1024 * 1024;

export class DownloadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DownloadError';
  }
}

/**
 * Downloads the MovieLens ml-latest-small archive once into `dataDir/movielens/ml-latest-small/`: checks its size,
 * its sha256 when one is configured, and that it holds the four CSV files; writes them through a temporary folder
 * and a rename, so a failed or partial download leaves nothing behind. Returns `dataDir`.
 */
export async function downloadMovieLens(
  url: string,
  dataDir: string,
  opts: { sha256?: string; timeoutMs?: number } = {},
): Promise<string> {
  let bytes: Uint8Array;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000) });
    if (!res.ok) throw new DownloadError(`GET ${url} answered ${res.status}`);
    const length = Number(res.headers.get('content-length') ?? 0);
    if (length > MAX_BYTES) throw new DownloadError(`${url} is ${length} bytes, more than the ${MAX_BYTES} expected`);
    bytes = new Uint8Array(await res.arrayBuffer());
  } catch (err) {
    if (err instanceof DownloadError) throw err;
    throw new DownloadError(`could not download ${url}: ${(err as Error).message}`, { cause: err });
  }
  if (bytes.byteLength === 0 || bytes.byteLength > MAX_BYTES)
    throw new DownloadError(`${url}: unexpected size ${bytes.byteLength} bytes`);
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (opts.sha256 && digest !== opts.sha256.toLowerCase()) {
    throw new DownloadError(`${url}: sha256 ${digest} does not match the expected ${opts.sha256}`);
  }
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (err) {
    throw new DownloadError(`${url} is not a zip archive: ${(err as Error).message}`, { cause: err });
  }
  const files = new Map<string, Uint8Array>();
  for (const [name, data] of Object.entries(entries)) {
    const base = name.split('/').pop() ?? '';
    if (REQUIRED.includes(base) && name.split('/').length <= 2) files.set(base, data);
  }
  const missing = REQUIRED.filter((f) => !files.has(f));
  if (missing.length) throw new DownloadError(`${url} does not hold ${missing.join(', ')}`);
  const target = join(dataDir, SMALL_DIR);
  mkdirSync(dirname(target), { recursive: true });
  const staging = mkdtempSync(join(dirname(target), '.download-'));
  try {
    for (const [name, data] of files) writeFileSync(join(staging, name), data);
    if (existsSync(target)) rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  return dataDir;
}

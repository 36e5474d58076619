// The first-start download of MovieLens, against a local HTTP server serving a small fixture zip.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadMovieLens } from '../../lib/server/services/data-download';
import { loadCatalogue } from '../../lib/recommender/io/catalogue';
import { FIXTURE_DATA_DIR } from './helpers';

const SRC = join(FIXTURE_DATA_DIR, 'movielens', 'ml-latest-small');
const FILES = ['movies.csv', 'ratings.csv', 'links.csv', 'tags.csv'];
let server: Server;
let base: string;
let zip: Uint8Array;
let requests = 0;

beforeAll(async () => {
  zip = zipSync(
    Object.fromEntries(FILES.map((f) => [`ml-latest-small/${f}`, new Uint8Array(readFileSync(join(SRC, f)))])),
  );
  const partial = zipSync({ 'ml-latest-small/movies.csv': new Uint8Array(readFileSync(join(SRC, 'movies.csv'))) });
  server = createServer((req, res) => {
    requests++;
    if (req.url === '/ml-latest-small.zip') res.writeHead(200, { 'content-type': 'application/zip' }).end(zip);
    else if (req.url === '/partial.zip') res.writeHead(200).end(partial);
    else if (req.url === '/not-a-zip') res.writeHead(200).end('hello');
    else res.writeHead(404).end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});

afterAll(async () => {
  await new Promise((done) => server.close(done));
});

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'reel-download-'));
}

describe('downloadMovieLens', () => {
  it('downloads, verifies the sha256 and unpacks the four files where the importer reads them', async () => {
    const dir = scratch();
    try {
      const sha256 = createHash('sha256').update(zip).digest('hex');
      await downloadMovieLens(`${base}/ml-latest-small.zip`, dir, { sha256 });
      const target = join(dir, 'movielens', 'ml-latest-small');
      expect(readdirSync(target).sort()).toEqual([...FILES].sort());
      for (const f of FILES) expect(readFileSync(join(target, f))).toEqual(readFileSync(join(SRC, f)));
      expect(loadCatalogue(dir).movies.length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an archive whose sha256 does not match and leaves nothing behind', async () => {
    const dir = scratch();
    try {
      await expect(downloadMovieLens(`${base}/ml-latest-small.zip`, dir, { sha256: '0'.repeat(64) })).rejects.toThrow(
        /sha256/,
      );
      expect(existsSync(join(dir, 'movielens'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses archives without the MovieLens files, non-zips and HTTP errors', async () => {
    const dir = scratch();
    try {
      await expect(downloadMovieLens(`${base}/partial.zip`, dir)).rejects.toThrow(/ratings\.csv/);
      await expect(downloadMovieLens(`${base}/not-a-zip`, dir)).rejects.toThrow(/not a zip/);
      await expect(downloadMovieLens(`${base}/missing.zip`, dir)).rejects.toThrow(/404/);
      expect(existsSync(join(dir, 'movielens', 'ml-latest-small'))).toBe(false);
      expect(requests).toBeGreaterThanOrEqual(4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

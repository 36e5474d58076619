import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { previewCatalogue } from '../../lib/server/services/catalogue-import';
import {
  downloadCatalogue,
  DOWNLOAD_ROOT,
  extractZipToLayout,
  SourceError,
  streamToFile,
} from '../../lib/server/services/catalogue-sources';
import { writeSyntheticCatalogue } from '../fixtures/synthetic-catalogue';

describe('catalogue sources', () => {
  const root = mkdtempSync(join(tmpdir(), 'reel-sources-'));
  let server: Server;
  let base: string;
  let zip: Uint8Array;
  let sha: string;

  beforeAll(async () => {
    const cat = writeSyntheticCatalogue(join(root, 'files'), { movies: 12, firstId: 3_900_000, seed: 5 });
    const ml = join(cat.dir, 'movielens', 'ml-latest-small');
    // Laid out like a GroupLens release: one top folder, plus files the importer does not read.
    zip = zipSync({
      'ml-test/movies.csv': readFileSync(join(ml, 'movies.csv')),
      'ml-test/links.csv': readFileSync(join(ml, 'links.csv')),
      'ml-test/ratings.csv': readFileSync(join(ml, 'ratings.csv')),
      'ml-test/README.txt': new TextEncoder().encode('not a catalogue file'),
      'ml-test/genome-scores.csv': new TextEncoder().encode('movieId,tagId,relevance\n'),
    });
    sha = createHash('sha256').update(zip).digest('hex');
    server = createServer((req, res) => {
      if (req.url === '/ml-test.zip') {
        res.writeHead(200, { 'content-type': 'application/zip', 'content-length': zip.byteLength });
        res.end(Buffer.from(zip));
      } else if (req.url === '/not-a-zip.zip') {
        res.end('hello');
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const addr = server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });

  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(root, { recursive: true, force: true });
    for (const name of ['it-ok', 'it-badsha', 'it-404', 'it-notzip'])
      rmSync(join(DOWNLOAD_ROOT, name), { recursive: true, force: true });
  });

  it('downloads a release zip, checks its sha256 and unpacks the catalogue files into the layout the dry run reads', async () => {
    const got = await downloadCatalogue(`${base}/ml-test.zip`, 'it-ok', { sha256: sha.toUpperCase() });
    expect(got.sha256).toBe(sha);
    expect(got.files.sort()).toEqual(['links.csv', 'movies.csv', 'ratings.csv']);
    expect(readdirSync(join(got.dir, 'movielens', 'ml-latest-small')).sort()).toEqual([
      'links.csv',
      'movies.csv',
      'ratings.csv',
    ]);
    const preview = await previewCatalogue(got.dir);
    expect(preview).toMatchObject({ movies: 12, rejected: 0 });
  });

  it('refuses a download whose sha256 differs, a 404 and a file that is not a zip, leaving nothing behind', async () => {
    await expect(downloadCatalogue(`${base}/ml-test.zip`, 'it-badsha', { sha256: '0'.repeat(64) })).rejects.toThrow(
      /sha256/,
    );
    expect(existsSync(join(DOWNLOAD_ROOT, 'it-badsha'))).toBe(false);
    await expect(downloadCatalogue(`${base}/missing.zip`, 'it-404')).rejects.toThrow(/404/);
    await expect(downloadCatalogue(`${base}/not-a-zip.zip`, 'it-notzip')).rejects.toBeInstanceOf(SourceError);
    expect(existsSync(join(DOWNLOAD_ROOT, 'it-notzip'))).toBe(false);
    await expect(downloadCatalogue('http://127.0.0.1:1/nothing.zip', 'it-404')).rejects.toThrow(/Could not download/);
  });

  it('stops a stream past the size limit and removes the partial file', async () => {
    const target = join(root, 'big', 'movies.csv');
    await expect(streamToFile(Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), target, 1000)).rejects.toThrow(
      /limit/,
    );
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(join(root, 'big'))).toEqual([]);
    const ok = await streamToFile(Readable.from([Buffer.from('movieId,title,genres\n')]), target, 1000);
    expect(ok.bytes).toBe(21);
  });

  it('refuses a zip without catalogue files', async () => {
    const p = join(root, 'empty.zip');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(p, zipSync({ 'notes.txt': new TextEncoder().encode('x') }));
    await expect(extractZipToLayout(p, join(root, 'empty'))).rejects.toThrow(/holds none of/);
  });
});

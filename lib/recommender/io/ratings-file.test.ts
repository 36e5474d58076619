import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRatingsFile, RatingsParser } from './ratings-file';

const CSV = [
  'userId,movieId,rating,timestamp',
  '1,10,4.0,964982703',
  '1,20,3.5,964982704',
  '2,10,abc,964982705', // non-numeric rating
  '2,30,5.5,964982706', // out of range
  '2,40,3.3,964982707', // not a half step
  '3,50,4.5', // missing field
  '',
  '3,60,0.5,964982708\r',
  '4,70,5,964982709',
].join('\n');

function parseInChunks(text: string, size: number) {
  const bytes = new TextEncoder().encode(text);
  const p = new RatingsParser('ratings.csv');
  for (let a = 0; a < bytes.length; a += size) p.push(bytes.subarray(a, Math.min(bytes.length, a + size)));
  return p.end();
}

describe('RatingsParser', () => {
  it('parses the header format and reports malformed rows by line', () => {
    const r = parseInChunks(CSV, 1 << 20);
    expect(Array.from(r.userIds)).toEqual([1, 1, 3, 4]);
    expect(Array.from(r.movieIds)).toEqual([10, 20, 60, 70]);
    expect(Array.from(r.ratings)).toEqual([4, 3.5, 0.5, 5]);
    expect(Array.from(r.timestamps)).toEqual([964982703, 964982704, 964982708, 964982709]);
    expect(r.issueCount).toBe(4);
    expect(r.issues.map((i) => i.line)).toEqual([4, 5, 6, 7]);
    expect(r.issues[0]).toMatchObject({ file: 'ratings.csv', message: 'rating is not a number' });
    expect(r.issues[3].message).toMatch(/expected 4 fields/);
  });

  it('gives the same result for every chunk size (lines split across chunks)', () => {
    const whole = parseInChunks(CSV, 1 << 20);
    for (const size of [1, 2, 3, 7, 16, 33]) {
      const r = parseInChunks(CSV, size);
      expect(Array.from(r.ratings)).toEqual(Array.from(whole.ratings));
      expect(Array.from(r.movieIds)).toEqual(Array.from(whole.movieIds));
      expect(r.issues).toEqual(whole.issues);
    }
  });

  it('reads ml-100k tab-separated rows without a header', () => {
    const r = parseInChunks('196\t242\t3\t881250949\n186\t302\t3\t891717742', 5);
    expect(Array.from(r.userIds)).toEqual([196, 186]);
    expect(Array.from(r.ratings)).toEqual([3, 3]);
    expect(r.issueCount).toBe(0);
  });

  it('caps stored issues but counts all', () => {
    const lines = ['userId,movieId,rating,timestamp'];
    for (let k = 0; k < 250; k++) lines.push(`1,${k},9,1`);
    const p = new RatingsParser('x.csv');
    p.push(new TextEncoder().encode(lines.join('\n')));
    const r = p.end();
    expect(r.issueCount).toBe(250);
    expect(r.issues.length).toBe(100);
    expect(r.ratings.length).toBe(0);
  });
});

describe('loadRatingsFile', () => {
  it('streams a file larger than one chunk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reel-ratings-'));
    const path = join(dir, 'ratings.csv');
    const n = 300_000; // ≈ 6 MB, more than one 4 MB chunk
    const parts = ['userId,movieId,rating,timestamp\n'];
    for (let k = 0; k < n; k++) parts.push(`${k % 1000},${k},${((k % 10) + 1) / 2},${1_000_000 + k}\n`);
    writeFileSync(path, parts.join(''));
    const r = loadRatingsFile(path);
    expect(r.ratings.length).toBe(n);
    expect(r.issueCount).toBe(0);
    let ok = true;
    for (let k = 0; k < n; k++) {
      if (r.movieIds[k] !== k || r.ratings[k] !== ((k % 10) + 1) / 2 || r.timestamps[k] !== 1_000_000 + k) ok = false;
    }
    expect(ok).toBe(true);
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectFormat, parseSparkFactors, readSparkFactors, sparkPartFiles, SparkFactorsError } from './spark-factors';

const json = (file: string, text: string) => parseSparkFactors([{ file, text }], 'jsonl');
const csv = (file: string, text: string) => parseSparkFactors([{ file, text }], 'csv');

function thrown(fn: () => unknown): SparkFactorsError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SparkFactorsError) return err;
    throw err;
  }
  throw new Error('expected a SparkFactorsError');
}

describe('parseSparkFactors (JSON lines, as df.write.json writes them)', () => {
  it('reads ids and row-major float32 features across part files in order', () => {
    const t = parseSparkFactors(
      [
        { file: 'part-00000.json', text: '{"id":7,"features":[0.5,-1.25]}\n{"id":3,"features":[2,0]}\n' },
        { file: 'part-00001.json', text: '\n{"id":12,"features":[1e-3,4.0]}' },
      ],
      'jsonl',
    );
    expect(t.k).toBe(2);
    expect(Array.from(t.ids)).toEqual([7, 3, 12]);
    expect(Array.from(t.factors)).toEqual([0.5, -1.25, 2, 0, Math.fround(0.001), 4]);
    expect(t.files).toEqual(['part-00000.json', 'part-00001.json']);
  });

  it('tolerates extra columns and CRLF line ends', () => {
    const t = json('a.json', '{"id":1,"features":[1,2,3],"norm":3.7}\r\n{"id":2,"features":[4,5,6]}\r\n');
    expect(Array.from(t.ids)).toEqual([1, 2]);
    expect(t.factors[5]).toBe(6);
  });

  it('names file and line of a row whose k differs from the earlier rows', () => {
    const e = thrown(() => json('part-3.json', '{"id":1,"features":[1,2]}\n\n{"id":2,"features":[1,2,3]}\n'));
    expect(e.file).toBe('part-3.json');
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/part-3\.json:3: id 2 has 3 features, expected k = 2/);
  });

  it('keeps checking k across part files', () => {
    const e = thrown(() =>
      parseSparkFactors(
        [
          { file: 'p0.json', text: '{"id":1,"features":[1,2]}' },
          { file: 'p1.json', text: '{"id":2,"features":[1]}' },
        ],
        'jsonl',
      ),
    );
    expect(e.message).toMatch(/^p1\.json:1: .*expected k = 2/);
  });

  it('rejects NaN and Infinity tokens, non-integer ids, missing features, bad JSON and duplicates', () => {
    expect(thrown(() => json('f', '{"id":1,"features":[NaN,1]}')).message).toMatch(/f:1: features contain NaN/);
    expect(thrown(() => json('f', '{"id":1,"features":[1]}\n{"id":2,"features":[-Infinity]}')).message).toMatch(/f:2: .*-Infinity/);
    expect(thrown(() => json('f', '{"id":1.5,"features":[1]}')).message).toMatch(/f:1: id: .*int/i);
    expect(thrown(() => json('f', '{"id":"1","features":[1]}')).message).toMatch(/f:1: id:/);
    expect(thrown(() => json('f', '{"id":1}')).message).toMatch(/f:1: features:/);
    expect(thrown(() => json('f', '{"id":1,"features":[]}')).message).toMatch(/features is empty/);
    expect(thrown(() => json('f', '{"id":1,"features":["0.1"]}')).message).toMatch(/features\.0/);
    expect(thrown(() => json('f', '{"id":1,"features":[1]')).message).toMatch(/f:1: not a JSON object/);
    expect(thrown(() => json('f', '{"id":4,"features":[1]}\n{"id":4,"features":[2]}')).message).toMatch(/f:2: duplicate id 4 \(first seen at f:1\)/);
    expect(thrown(() => json('f', '{"id":3000000000,"features":[1]}')).message).toMatch(/id:/);
  });

  it('rejects a finite double that overflows float32', () => {
    expect(thrown(() => json('f', '{"id":1,"features":[1e39]}')).message).toMatch(/features\[0\] = 1e\+39 is not a finite float32/);
  });

  it('rejects an empty table', () => {
    expect(thrown(() => json('empty.json', '\n\n')).message).toMatch(/no factor rows/);
  });
});

describe('parseSparkFactors (CSV)', () => {
  it('reads quoted [a,b] lists, [a;b] lists and bare a;b lists, with or without a header', () => {
    const t = csv('part-0.csv', 'id,features\n1,"[0.5,-2]"\n2,[1;2]\n3,3;4.5\n4,[ 1e-2 , 6 ]\n');
    expect(t.k).toBe(2);
    expect(Array.from(t.ids)).toEqual([1, 2, 3, 4]);
    expect(Array.from(t.factors)).toEqual([0.5, -2, 1, 2, 3, 4.5, Math.fround(0.01), 6]);
    expect(Array.from(csv('x.csv', '9,0.25;0.75').factors)).toEqual([0.25, 0.75]);
  });

  it('names file and line of a malformed CSV row', () => {
    expect(thrown(() => csv('c.csv', 'id,features\n1,[1;2]\n2,[1;x]\n')).message).toMatch(/c\.csv:3: features\[1\] = "x" is not a finite number/);
    expect(thrown(() => csv('c.csv', '1,[1;2]\n2,[1;2;3]')).message).toMatch(/c\.csv:2: id 2 has 3 features/);
    expect(thrown(() => csv('c.csv', '1,1,2')).message).toMatch(/must be in \[ \]/);
    expect(thrown(() => csv('c.csv', '1,[1;2')).message).toMatch(/unbalanced/);
    expect(thrown(() => csv('c.csv', 'a,[1]')).message).toMatch(/c\.csv:1: id:/);
    expect(thrown(() => csv('c.csv', '1,[NaN;2]')).message).toMatch(/"NaN" is not a finite number/);
    expect(thrown(() => csv('c.csv', '1,[;2]')).message).toMatch(/features\[0\] = ""/);
    expect(thrown(() => csv('c.csv', '1,[0x10]')).message).toMatch(/"0x10"/);
    expect(thrown(() => csv('c.csv', '17')).message).toMatch(/expected "id,features"/);
  });
});

describe('readSparkFactors on a Spark output directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spark-factors-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every part file in name order and ignores _SUCCESS and .crc files', () => {
    const out = join(dir, 'itemFactors');
    mkdirSync(out);
    writeFileSync(join(out, '_SUCCESS'), '');
    writeFileSync(join(out, '.part-00000-a.json.crc'), 'garbage');
    writeFileSync(join(out, 'part-00001-a-c000.json'), '{"id":20,"features":[3,4]}\n');
    writeFileSync(join(out, 'part-00000-a-c000.json'), '{"id":10,"features":[1,2]}\n');
    expect(sparkPartFiles(out).map((f) => f.slice(out.length + 1))).toEqual(['part-00000-a-c000.json', 'part-00001-a-c000.json']);
    const t = readSparkFactors(out);
    expect(Array.from(t.ids)).toEqual([10, 20]);
    expect(Array.from(t.factors)).toEqual([1, 2, 3, 4]);
  });

  it('reads a single CSV file by extension, and refuses compressed or Parquet parts', () => {
    const f = join(dir, 'users.csv');
    writeFileSync(f, 'id,features\n5,"[1,2,3]"\n');
    expect(readSparkFactors(f).k).toBe(3);
    const pq = join(dir, 'pq');
    const gz = join(dir, 'gz');
    mkdirSync(pq);
    mkdirSync(gz);
    writeFileSync(join(pq, 'part-00000-x.snappy.parquet'), '');
    writeFileSync(join(gz, 'part-00000-x.json.gz'), '');
    expect(() => readSparkFactors(pq)).toThrow(/Parquet is not read/);
    expect(() => readSparkFactors(gz)).toThrow(/compressed part files/);
    expect(() => readSparkFactors(dir + '/nothing-here')).toThrow(/ENOENT/);
  });

  it('detects the format from extensions and asks for --format when mixed', () => {
    expect(detectFormat(['a/part-0.json'])).toBe('jsonl');
    expect(detectFormat(['a/part-0.csv', 'a/part-1.csv'])).toBe('csv');
    expect(() => detectFormat(['a/part-0.txt'])).toThrow(/--format/);
  });
});

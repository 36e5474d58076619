import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deflateSync, gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { asyncBufferFromFile, parquetMetadataAsync } from 'hyparquet';
import {
  detectFormat,
  parseSparkFactors,
  readSparkAlsModel,
  readSparkFactors,
  sparkPartFiles,
  SparkFactorsError,
} from './spark-factors';

const FIXTURES = join(process.cwd(), 'tests', 'fixtures', 'spark-als');

const json = (file: string, text: string) => parseSparkFactors([{ file, text }], 'jsonl');
const csv = (file: string, text: string) => parseSparkFactors([{ file, text }], 'csv');

async function rejected(p: Promise<unknown>): Promise<SparkFactorsError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof SparkFactorsError) return err;
    throw err;
  }
  throw new Error('expected a SparkFactorsError');
}

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
    expect(thrown(() => json('f', '{"id":1,"features":[1]}\n{"id":2,"features":[-Infinity]}')).message).toMatch(
      /f:2: .*-Infinity/,
    );
    expect(thrown(() => json('f', '{"id":1.5,"features":[1]}')).message).toMatch(/f:1: id: .*int/i);
    expect(thrown(() => json('f', '{"id":"1","features":[1]}')).message).toMatch(/f:1: id:/);
    expect(thrown(() => json('f', '{"id":1}')).message).toMatch(/f:1: features:/);
    expect(thrown(() => json('f', '{"id":1,"features":[]}')).message).toMatch(/features is empty/);
    expect(thrown(() => json('f', '{"id":1,"features":["0.1"]}')).message).toMatch(/features\.0/);
    expect(thrown(() => json('f', '{"id":1,"features":[1]')).message).toMatch(/f:1: not a JSON object/);
    expect(thrown(() => json('f', '{"id":4,"features":[1]}\n{"id":4,"features":[2]}')).message).toMatch(
      /f:2: duplicate id 4 \(first seen at f:1\)/,
    );
    expect(thrown(() => json('f', '{"id":3000000000,"features":[1]}')).message).toMatch(/id:/);
  });

  it('rejects a finite double that overflows float32', () => {
    expect(thrown(() => json('f', '{"id":1,"features":[1e39]}')).message).toMatch(
      /features\[0\] = 1e\+39 is not a finite float32/,
    );
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
    expect(thrown(() => csv('c.csv', 'id,features\n1,[1;2]\n2,[1;x]\n')).message).toMatch(
      /c\.csv:3: features\[1\] = "x" is not a finite number/,
    );
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

/** A fixture table read back without Reel's reader: the plain JSON-lines copy, parsed line by line. */
function expectedRows(table: 'itemFactors' | 'userFactors'): Map<number, number[]> {
  const dir = join(FIXTURES, table);
  const rows = new Map<number, number[]>();
  for (const name of readdirSync(dir).filter((n) => n.startsWith('part-'))) {
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean)) {
      const { id, features } = JSON.parse(line) as { id: number; features: number[] };
      rows.set(id, features.map(Math.fround));
    }
  }
  return rows;
}

function asRows(t: { k: number; ids: Int32Array; factors: Float32Array }): Map<number, number[]> {
  return new Map(Array.from(t.ids, (id, r) => [id, Array.from(t.factors.subarray(r * t.k, r * t.k + t.k))]));
}

describe('readSparkAlsModel on the ALSModel.save layout (Parquet written by DuckDB)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'spark-model-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const copyModel = (name: string) => {
    const dir = join(tmp, name);
    cpSync(join(FIXTURES, 'als-model'), dir, { recursive: true });
    return dir;
  };

  it('the fixture is what Spark writes: snappy Parquet parts with id INT32 and features LIST<FLOAT>', async () => {
    const dir = join(FIXTURES, 'als-model', 'itemFactors');
    const parts = readdirSync(dir).filter((n) => n.endsWith('.snappy.parquet'));
    expect(parts).toHaveLength(2);
    const meta = await parquetMetadataAsync(await asyncBufferFromFile(join(dir, parts[0])));
    expect(meta.schema.filter((e) => e.type).map((e) => `${e.name}:${e.type}`)).toEqual(['id:INT32', 'element:FLOAT']);
    expect(new Set(meta.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data?.codec)))).toEqual(
      new Set(['SNAPPY']),
    );
  });

  it('reads metadata, user and item factors, and checks rank against the features', async () => {
    const m = await readSparkAlsModel(join(FIXTURES, 'als-model'));
    expect(m.metadata.class).toBe('org.apache.spark.ml.recommendation.ALSModel');
    expect(m.metadata.rank).toBe(4);
    expect(m.metadata.sparkVersion).toBe('3.5.1');
    expect(m.metadata.paramMap.userCol).toBe('userId');
    expect(m.items.files.map((f) => f.split('/').pop())).toEqual([
      'part-00000-7c8d9e0f-1a2b-4c3d-9e8f-7a6b5c4d3e2f-c000.snappy.parquet',
      'part-00001-7c8d9e0f-1a2b-4c3d-9e8f-7a6b5c4d3e2f-c000.snappy.parquet',
    ]);
    expect(asRows(m.items)).toEqual(expectedRows('itemFactors'));
    expect(asRows(m.users)).toEqual(expectedRows('userFactors'));
    expect(Array.from(m.items.ids.subarray(0, 3))).toEqual([501, 502, 503]); // file and row order kept
  });

  it('refuses a model whose factor directory has no _SUCCESS, naming the directory', async () => {
    const dir = copyModel('no-success');
    unlinkSync(join(dir, 'itemFactors', '_SUCCESS'));
    const e = await rejected(readSparkAlsModel(dir));
    expect(e.file).toBe(join(dir, 'itemFactors'));
    expect(e.message).toMatch(/_SUCCESS is missing, so Spark did not finish writing itemFactors\//);
    const meta = copyModel('no-meta-success');
    unlinkSync(join(meta, 'metadata', '_SUCCESS'));
    expect((await rejected(readSparkAlsModel(meta))).message).toMatch(/did not finish writing metadata\//);
  });

  it("reads metadata from any part-* file name, as Spark's own reader (spark.read.text) does", async () => {
    const dir = copyModel('text-writer-metadata');
    const meta = readFileSync(join(dir, 'metadata', 'part-00000'));
    unlinkSync(join(dir, 'metadata', 'part-00000'));
    writeFileSync(join(dir, 'metadata', 'part-00000-5d6e7f80-1a2b-4c3d-8e9f-0a1b2c3d4e5f-c000.txt'), meta);
    expect((await readSparkAlsModel(dir)).metadata.uid).toBe('als_4f1c2a9b7d3e');
  });

  it('refuses a model whose metadata rank disagrees with the features', async () => {
    const dir = copyModel('rank-mismatch');
    const file = join(dir, 'metadata', 'part-00000');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"rank":4', '"rank":8'));
    const e = await rejected(readSparkAlsModel(dir));
    expect(e.message).toMatch(/metadata says rank = 8 but the userFactors rows have 4 features/);
  });

  it('refuses other classes, a PipelineModel, metadata without rank, and a missing factor directory', async () => {
    const write = (dir: string, meta: object) =>
      writeFileSync(join(dir, 'metadata', 'part-00000'), JSON.stringify(meta) + '\n');
    const base = JSON.parse(readFileSync(join(FIXTURES, 'als-model', 'metadata', 'part-00000'), 'utf8')) as Record<
      string,
      unknown
    >;
    const other = copyModel('other-class');
    write(other, { ...base, class: 'org.apache.spark.ml.classification.LogisticRegressionModel' });
    expect((await rejected(readSparkAlsModel(other))).message).toMatch(
      /class is org\.apache\.spark\.ml\.classification\.LogisticRegressionModel, expected .*ALSModel/,
    );
    const pipe = copyModel('pipeline');
    write(pipe, { ...base, class: 'org.apache.spark.ml.PipelineModel' });
    expect((await rejected(readSparkAlsModel(pipe))).message).toMatch(/PipelineModel: pass its ALS stage directory/);
    const norank = copyModel('no-rank');
    write(norank, { ...base, rank: undefined });
    expect((await rejected(readSparkAlsModel(norank))).message).toMatch(/not ALSModel metadata: rank:/);
    const noItems = copyModel('no-items');
    rmSync(join(noItems, 'itemFactors'), { recursive: true });
    expect((await rejected(readSparkAlsModel(noItems))).message).toMatch(/itemFactors\/ directory is missing/);
    expect((await rejected(readSparkAlsModel(join(tmp, 'nothing')))).message).toMatch(/not a directory/);
  });
});

describe('readSparkFactors on compressed JSON parts', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'spark-json-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('reads .json.gz parts written by DuckDB', async () => {
    const t = await readSparkFactors(join(FIXTURES, 'json-gz', 'itemFactors'));
    expect(t.files.every((f) => f.endsWith('.json.gz'))).toBe(true);
    expect(asRows(t)).toEqual(expectedRows('itemFactors'));
  });

  it('reads .json.snappy parts in Hadoop SnappyCodec framing, written by snappy-java, across block boundaries', async () => {
    const dir = join(FIXTURES, 'json-snappy', 'itemFactors');
    const first = readFileSync(
      join(
        dir,
        readdirSync(dir)
          .filter((n) => n.startsWith('part-'))
          .sort()[0],
      ),
    );
    expect(first.readUInt32BE(0)).toBe(100); // a 100-byte block: the part holds several blocks
    const t = await readSparkFactors(dir);
    expect(asRows(t)).toEqual(expectedRows('itemFactors'));
  });

  it('names the file of a truncated or foreign snappy stream and of a corrupt gzip part', async () => {
    const src = join(FIXTURES, 'json-snappy', 'itemFactors');
    const cut = join(tmp, 'cut');
    cpSync(src, cut, { recursive: true });
    const part = join(
      cut,
      readdirSync(cut)
        .filter((n) => n.startsWith('part-'))
        .sort()[0],
    );
    writeFileSync(part, readFileSync(part).subarray(0, 50));
    expect((await rejected(readSparkFactors(cut))).message).toMatch(/\.json\.snappy: truncated Hadoop snappy stream/);
    writeFileSync(part, Buffer.from([0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59]));
    expect((await rejected(readSparkFactors(cut))).message).toMatch(/snappy framing format/);
    const gz = join(tmp, 'gz');
    mkdirSync(gz);
    writeFileSync(join(gz, '_SUCCESS'), '');
    writeFileSync(join(gz, 'part-00000-x-c000.json.gz'), gzipSync('{"id":1,"features":[1,2]}\n').subarray(0, 20));
    expect((await rejected(readSparkFactors(gz))).message).toMatch(
      /part-00000-x-c000\.json\.gz: cannot decompress \(gzip\)/,
    );
  });

  it('reads .json.deflate parts (Hadoop DefaultCodec: a zlib stream)', async () => {
    const dir = join(tmp, 'deflate');
    mkdirSync(dir);
    writeFileSync(join(dir, '_SUCCESS'), '');
    writeFileSync(
      join(dir, 'part-00000-d-c000.json.deflate'),
      deflateSync('{"id":3,"features":[0.5,1]}\n{"id":4,"features":[2,-1]}\n'),
    );
    const t = await readSparkFactors(dir);
    expect(Array.from(t.ids)).toEqual([3, 4]);
    expect(Array.from(t.factors)).toEqual([0.5, 1, 2, -1]);
  });

  it('reports file and line inside a compressed part', async () => {
    const dir = join(tmp, 'gz-bad');
    mkdirSync(dir);
    writeFileSync(join(dir, '_SUCCESS'), '');
    writeFileSync(
      join(dir, 'part-00000-y-c000.json.gz'),
      gzipSync('{"id":1,"features":[1,2]}\r\n{"id":2,"features":[1]}\n'),
    );
    expect((await rejected(readSparkFactors(dir))).message).toMatch(
      /part-00000-y-c000\.json\.gz:2: id 2 has 1 features, expected k = 2/,
    );
  });
});

describe('readSparkFactors on Parquet parts (DuckDB-written, made here)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'spark-pq-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  async function parquetDir(name: string, parts: string[]): Promise<string> {
    const dir = join(tmp, name);
    mkdirSync(dir);
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    for (const [p, select] of parts.entries()) {
      // ROW_GROUP_SIZE 2048 (DuckDB's smallest): a few thousand rows make several row groups.
      await conn.run(
        `COPY (${select}) TO '${join(dir, `part-0000${p}-z-c000.snappy.parquet`)}' (FORMAT PARQUET, COMPRESSION SNAPPY, ROW_GROUP_SIZE 2048)`,
      );
    }
    conn.closeSync();
    db.closeSync();
    writeFileSync(join(dir, '_SUCCESS'), '');
    return dir;
  }

  it('refuses a table without id and features columns, null features, and duplicate ids across parts', async () => {
    const wrong = await parquetDir('wrong', [`SELECT 1::INTEGER AS user, [1.0]::FLOAT[] AS vec`]);
    expect((await rejected(readSparkFactors(wrong))).message).toMatch(
      /expected columns id and features .*found user, vec/,
    );
    const scalar = await parquetDir('scalar', [`SELECT 1::INTEGER AS id, 1.5::FLOAT AS features`]);
    expect((await rejected(readSparkFactors(scalar))).message).toMatch(/features must be a list of FLOAT/);
    const nulls = await parquetDir('nulls', [
      `SELECT * FROM (VALUES (1, [1.0, 2.0]::FLOAT[]), (2, NULL::FLOAT[])) t(id, features)`,
    ]);
    expect((await rejected(readSparkFactors(nulls))).message).toMatch(
      /part-00000-z-c000\.snappy\.parquet row 2: id 2: features is null/,
    );
    const dups = await parquetDir('dups', [
      `SELECT * FROM (VALUES (7, [1.0, 2.0]::FLOAT[]), (8, [3.0, 4.0]::FLOAT[])) t(id, features)`,
      `SELECT * FROM (VALUES (9, [1.0, 2.0]::FLOAT[]), (8, [5.0, 6.0]::FLOAT[])) t(id, features)`,
    ]);
    expect((await rejected(readSparkFactors(dups))).message).toMatch(
      /part-00001-z-c000\.snappy\.parquet row 2: duplicate id 8 \(first seen at part-00000-z-c000\.snappy\.parquet row 2\)/,
    );
  });

  it('reads a large part one row group at a time, in row order', async () => {
    const n = 5000;
    const k = 8;
    const dir = await parquetDir('large', [
      `SELECT i::INTEGER AS id, list_transform(range(${k}), f -> ((i * 31 + f) % 97 / 97.0 - 0.5)::FLOAT) AS features FROM range(1, ${n + 1}) r(i)`,
    ]);
    const file = join(
      dir,
      readdirSync(dir).find((f) => f.endsWith('.parquet'))!,
    );
    expect((await parquetMetadataAsync(await asyncBufferFromFile(file))).row_groups.length).toBeGreaterThan(1);
    const t = await readSparkFactors(dir);
    expect(t.k).toBe(k);
    expect(t.ids.length).toBe(n);
    for (const r of [0, 2047, 2048, 4095, 4096, n - 1]) {
      const id = r + 1;
      expect(t.ids[r]).toBe(id);
      expect(Array.from(t.factors.subarray(r * k, r * k + k))).toEqual(
        Array.from({ length: k }, (_, f) => Math.fround(((id * 31 + f) % 97) / 97 - 0.5)),
      );
    }
  });

  it('reads array<double> and int64 ids when they fit float32 and int32', async () => {
    const dir = await parquetDir('double', [
      `SELECT * FROM (VALUES (5::BIGINT, [0.25, -1.5]::DOUBLE[]), (6::BIGINT, [1e-3, 2]::DOUBLE[])) t(id, features)`,
    ]);
    const t = await readSparkFactors(dir);
    expect(Array.from(t.ids)).toEqual([5, 6]);
    expect(Array.from(t.factors)).toEqual([0.25, -1.5, Math.fround(0.001), 2]);
  });
});

describe('readSparkFactors on a Spark output directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spark-factors-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every part file in name order and ignores _SUCCESS and .crc files', async () => {
    const out = join(dir, 'itemFactors');
    mkdirSync(out);
    writeFileSync(join(out, '_SUCCESS'), '');
    writeFileSync(join(out, '.part-00000-a.json.crc'), 'garbage');
    writeFileSync(join(out, 'part-00001-a-c000.json'), '{"id":20,"features":[3,4]}\n');
    writeFileSync(join(out, 'part-00000-a-c000.json'), '{"id":10,"features":[1,2]}\n');
    expect(sparkPartFiles(out).map((f) => f.slice(out.length + 1))).toEqual([
      'part-00000-a-c000.json',
      'part-00001-a-c000.json',
    ]);
    const t = await readSparkFactors(out);
    expect(Array.from(t.ids)).toEqual([10, 20]);
    expect(Array.from(t.factors)).toEqual([1, 2, 3, 4]);
  });

  it('refuses a directory without _SUCCESS and unsupported codecs', async () => {
    const partial = join(dir, 'partial');
    mkdirSync(partial);
    writeFileSync(join(partial, 'part-00000-a-c000.json'), '{"id":10,"features":[1,2]}\n');
    expect((await rejected(readSparkFactors(partial))).message).toMatch(/partial: _SUCCESS is missing/);
    const bz = join(dir, 'bz');
    mkdirSync(bz);
    writeFileSync(join(bz, '_SUCCESS'), '');
    writeFileSync(join(bz, 'part-00000-x.json.bz2'), '');
    expect((await rejected(readSparkFactors(bz))).message).toMatch(/part-00000-x\.json\.bz2 is not read/);
  });

  it('reads a single CSV file by extension, and reports a missing path', async () => {
    const f = join(dir, 'users.csv');
    writeFileSync(f, 'id,features\n5,"[1,2,3]"\n');
    expect((await readSparkFactors(f)).k).toBe(3);
    await expect(readSparkFactors(dir + '/nothing-here')).rejects.toThrow(/ENOENT/);
  });

  it('detects the format from extensions and asks for --format when unknown or mixed', () => {
    expect(detectFormat(['a/part-0.json'])).toBe('jsonl');
    expect(detectFormat(['a/part-0.json.gz', 'a/part-1.json.snappy'])).toBe('jsonl');
    expect(detectFormat(['a/part-0.csv', 'a/part-1.csv.gz'])).toBe('csv');
    expect(detectFormat(['a/part-0-c000.snappy.parquet', 'a/part-1-c000.zstd.parquet'])).toBe('parquet');
    expect(() => detectFormat(['a/part-0.txt'])).toThrow(/--format/);
    expect(() => detectFormat(['a/part-0.json', 'a/part-1.parquet'])).toThrow(/--format/);
  });
});

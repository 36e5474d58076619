/**
 * Reads ALS factor tables as Spark MLlib writes them (`ALSModel.userFactors` / `itemFactors`: DataFrames with
 * columns `id: int` and `features: array<float>`), and whole models as `ALSModel.save(path)` lays them out.
 *
 * Accepted input (docs/SCALING.md):
 * - `ALSModel.save(dir)` output ({@link readSparkAlsModel}): `metadata/` (one JSON line, DefaultParamsWriter's
 *   class, timestamp, sparkVersion, uid, paramMap, defaultParamMap, plus ALS's top-level `rank`) and
 *   `userFactors/`, `itemFactors/` written by `df.write.format("parquet")`: `part-*.parquet` files (snappy by
 *   default; gzip, zstd, brotli, lz4 also read), each directory with its `_SUCCESS` marker.
 * - Parquet parts alone (`model.itemFactors.write.parquet(dir)`).
 * - JSON lines (`df.write.json(dir)`): one `{"id":1,"features":[0.1,…]}` object per line; plain, `.json.gz`
 *   (`option("compression","gzip")`), `.json.deflate` or `.json.snappy` (Hadoop's SnappyCodec block framing,
 *   which is what Spark's "snappy" text compression writes).
 * - CSV (Spark's CSV writer cannot write arrays, so the table is flattened first): `id,features` per line, an
 *   optional header `id,features`, and the features as a `[a,b,…]` list (quoted, as Spark quotes a field with
 *   commas, or not), a `[a;b;…]` list, or a bare `a;b;…` list; plain or compressed as JSON.
 * - A single file, or a Spark output directory: every `part-*` file in it, in name order; `_SUCCESS` must be there
 *   (Spark writes it last, so a directory without it is an unfinished or partly copied job); `.crc` and other
 *   hidden files are ignored.
 *
 * Memory: text parts are streamed line by line and Parquet parts read one row group at a time, so apart from the
 * result (nRows × k float32) the reader holds one decompressed block or one row group.
 *
 * Validation is all-or-nothing: the first bad row throws a {@link SparkFactorsError} naming the file and line (or
 * Parquet row): integer 32-bit id, finite float32 features, the same k on every row, no duplicate ids.
 */
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip, createInflate } from 'node:zlib';
import { pipeline } from 'node:stream';
import {
  asyncBufferFromFile,
  parquetMetadataAsync,
  parquetReadObjects,
  parquetSchema,
  type FileMetaData,
} from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { z } from 'zod';
import { GrowableFloat32, GrowableInt32 } from './growable';

export type SparkFactorFormat = 'jsonl' | 'csv' | 'parquet';
/** Whole-file codecs of text parts, from the file extension (Parquet compresses inside the file). */
export type TextCodec = 'none' | 'gzip' | 'deflate' | 'snappy';

/** One factor table: row r has id `ids[r]` and features `factors[r·k … r·k + k)`. */
export interface FactorTable {
  k: number;
  /** Raw ids (Reel user or movie ids). Length nRows. */
  ids: Int32Array;
  /** nRows × k, row-major. */
  factors: Float32Array;
  /** The files read, in order. */
  files: string[];
}

/** A malformed row, file or directory; nothing was imported. */
export class SparkFactorsError extends Error {
  constructor(
    message: string,
    readonly file: string,
    /** 1-based line (text parts) or row (Parquet parts, `unit: 'row'`); 0 when the whole file is at fault. */
    readonly line: number,
    readonly unit: 'line' | 'row' = 'line',
  ) {
    super(
      line > 0
        ? unit === 'line'
          ? `${file}:${line}: ${message}`
          : `${file} row ${line}: ${message}`
        : `${file}: ${message}`,
    );
    this.name = 'SparkFactorsError';
  }
}

const INT32 = z.number().int().min(-2147483648).max(2147483647);
/** One Spark JSON row. Extra columns are tolerated (a user may select more than id and features). */
export const SparkFactorRow = z.object({
  id: INT32,
  features: z.array(z.number()).min(1, 'features is empty'),
});
export type SparkFactorRow = z.infer<typeof SparkFactorRow>;

/**
 * Incremental builder that enforces one k and unique ids across all files of a table. Duplicates are found at the
 * end by sorting a copy of the ids (4 bytes a row) instead of a hash map of every id seen.
 */
class TableBuilder {
  k = -1;
  private readonly ids: GrowableInt32;
  private factors: GrowableFloat32 | null = null;
  /** Per row: its line (or Parquet row) in its file; per file: the first row it holds. */
  private readonly lines: GrowableInt32;
  private readonly fileStarts: number[] = [];
  readonly files: string[] = [];
  private units: ('line' | 'row')[] = [];

  constructor(private readonly capacity = 1024) {
    this.ids = new GrowableInt32(capacity);
    this.lines = new GrowableInt32(capacity);
  }

  startFile(file: string, unit: 'line' | 'row'): void {
    this.files.push(file);
    this.units.push(unit);
    this.fileStarts.push(this.ids.length);
  }

  add(id: number, f: ArrayLike<number>, file: string, line: number, unit: 'line' | 'row' = 'line'): void {
    if (this.k === -1) {
      this.k = f.length;
      this.factors = new GrowableFloat32(this.capacity * f.length);
    } else if (f.length !== this.k) {
      throw new SparkFactorsError(
        `id ${id} has ${f.length} features, expected k = ${this.k} as on earlier rows`,
        file,
        line,
        unit,
      );
    }
    for (let x = 0; x < f.length; x++) {
      // Math.fround: a finite double beyond float32 range would become Infinity in the table.
      if (typeof f[x] !== 'number' || !Number.isFinite(Math.fround(f[x]))) {
        throw new SparkFactorsError(`id ${id}: features[${x}] = ${f[x]} is not a finite float32`, file, line, unit);
      }
    }
    this.ids.push(id);
    this.lines.push(line);
    const out = this.factors!;
    for (let x = 0; x < f.length; x++) out.push(f[x]);
  }

  /** Where row r came from. */
  private locate(r: number): { file: string; line: number; unit: 'line' | 'row' } {
    let fi = this.fileStarts.length - 1;
    while (fi > 0 && this.fileStarts[fi] > r) fi--;
    return { file: this.files[fi], line: this.lines.toArray()[r], unit: this.units[fi] };
  }

  build(where: string): FactorTable {
    const ids = this.ids.toArray();
    if (ids.length === 0) throw new SparkFactorsError('no factor rows found', where, 0);
    const sorted = ids.slice().sort();
    let dup: number | null = null;
    for (let r = 1; r < sorted.length && dup === null; r++) if (sorted[r] === sorted[r - 1]) dup = sorted[r];
    if (dup !== null) {
      // Report the duplicate whose second occurrence comes first, as a row-by-row check would.
      const dups = new Set<number>();
      for (let r = 1; r < sorted.length; r++) if (sorted[r] === sorted[r - 1]) dups.add(sorted[r]);
      const first = new Map<number, number>();
      for (let r = 0; r < ids.length; r++) {
        if (!dups.has(ids[r])) continue;
        const prev = first.get(ids[r]);
        if (prev === undefined) {
          first.set(ids[r], r);
          continue;
        }
        const a = this.locate(prev);
        const b = this.locate(r);
        const at = a.unit === 'line' ? `${basename(a.file)}:${a.line}` : `${basename(a.file)} row ${a.line}`;
        throw new SparkFactorsError(`duplicate id ${ids[r]} (first seen at ${at})`, b.file, b.line, b.unit);
      }
    }
    return { k: Math.max(this.k, 0), ids, factors: this.factors!.toArray(), files: this.files };
  }
}

function zodMessage(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.length ? i.path.join('.') : 'row'}: ${i.message}`).join('; ');
}

/** Non-numeric JSON tokens Spark may emit for float columns; rejected with a clear message rather than a JSON error. */
const NON_FINITE_TOKEN = /(?<![A-Za-z"])(NaN|-?Infinity)(?![A-Za-z"])/;

function parseJsonRow(line: string, file: string, lineNo: number): SparkFactorRow {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    const token = NON_FINITE_TOKEN.exec(line);
    if (token) throw new SparkFactorsError(`features contain ${token[1]}, which is not a finite number`, file, lineNo);
    throw new SparkFactorsError(`not a JSON object (${(err as Error).message})`, file, lineNo);
  }
  const parsed = SparkFactorRow.safeParse(value);
  if (!parsed.success) throw new SparkFactorsError(zodMessage(parsed.error), file, lineNo);
  return parsed.data;
}

function parseNumberToken(s: string): number {
  const t = s.trim();
  // Number('') is 0 and Number('0x1f') is 31: accept only decimal floats as Spark prints them.
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) ? Number(t) : Number.NaN;
}

function parseCsvRow(line: string, file: string, lineNo: number): SparkFactorRow | null {
  const comma = line.indexOf(',');
  if (comma < 0) throw new SparkFactorsError('expected "id,features"', file, lineNo);
  const idText = line
    .slice(0, comma)
    .trim()
    .replace(/^"(.*)"$/, '$1');
  let feat = line.slice(comma + 1).trim();
  if (lineNo === 1 && idText === 'id' && feat.replace(/"/g, '') === 'features') return null; // header
  if (feat.startsWith('"')) {
    if (!feat.endsWith('"') || feat.length < 2)
      throw new SparkFactorsError('unterminated quoted features field', file, lineNo);
    feat = feat.slice(1, -1).replace(/""/g, '"').trim();
  }
  const bracketed = feat.startsWith('[');
  if (bracketed !== feat.endsWith(']')) throw new SparkFactorsError('unbalanced [ ] around features', file, lineNo);
  if (bracketed) feat = feat.slice(1, -1);
  else if (feat.includes(','))
    throw new SparkFactorsError(
      'a comma-separated features list must be in [ ] (or use ";" between values)',
      file,
      lineNo,
    );
  const parts = feat.includes(';') ? feat.split(';') : feat.split(',');
  const features = parts.map(parseNumberToken);
  const bad = features.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0)
    throw new SparkFactorsError(`features[${bad}] = "${parts[bad].trim()}" is not a finite number`, file, lineNo);
  const id = parseNumberToken(idText);
  const parsed = SparkFactorRow.safeParse({ id, features });
  if (!parsed.success) throw new SparkFactorsError(`${zodMessage(parsed.error)} (id "${idText}")`, file, lineNo);
  return parsed.data;
}

function addTextLine(builder: TableBuilder, line: string, file: string, lineNo: number, format: 'jsonl' | 'csv'): void {
  if (line.trim() === '') return;
  const row = format === 'jsonl' ? parseJsonRow(line, file, lineNo) : parseCsvRow(line, file, lineNo);
  if (row) builder.add(row.id, row.features, file, lineNo);
}

/**
 * Parses in-memory text part files (name + text) as one factor table. Pure: the unit-testable core of the text
 * readers. Throws {@link SparkFactorsError} on the first bad row, or when there are no rows. O(total rows · k).
 */
export function parseSparkFactors(
  parts: readonly { file: string; text: string }[],
  format: 'jsonl' | 'csv',
): FactorTable {
  const builder = new TableBuilder();
  for (const p of parts) {
    builder.startFile(p.file, 'line');
    const lines = p.text.split('\n');
    lines.forEach((line, i) => addTextLine(builder, line.replace(/\r$/, ''), p.file, i + 1, format));
  }
  return builder.build(parts.map((p) => p.file).join(', ') || '(no files)');
}

// ---------------------------------------------------------------------------------------------
// Hadoop's SnappyCodec stream (what `.option("compression", "snappy")` writes for text, JSON and CSV).

const SNAPPY_FRAMED_MAGIC = Buffer.from([0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59]); // "sNaPpY" stream

/** Pulls exact byte counts out of an async chunk stream. */
class ByteReader {
  private buf: Buffer = Buffer.alloc(0);
  private done = false;
  constructor(private readonly it: AsyncIterator<Buffer>) {}

  /** Up to n bytes (fewer only at the end of the stream). */
  async read(n: number): Promise<Buffer> {
    while (this.buf.length < n && !this.done) {
      const next = await this.it.next();
      if (next.done) this.done = true;
      else this.buf = this.buf.length === 0 ? next.value : Buffer.concat([this.buf, next.value]);
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(out.length);
    return out;
  }
}

/** The uncompressed length a raw snappy block starts with (a little-endian base-128 varint). */
function snappyLength(block: Uint8Array): number {
  let len = 0;
  for (let i = 0, shift = 0; i < 5 && i < block.length; i++, shift += 7) {
    len += (block[i] & 0x7f) * 2 ** shift;
    if (block[i] < 0x80) return len;
  }
  return -1;
}

const MAX_HADOOP_BLOCK = 1 << 30;

/**
 * Decodes Hadoop's `BlockCompressorStream` framing with snappy blocks (`org.apache.hadoop.io.compress.SnappyCodec`):
 * repeated [4-byte big-endian uncompressed block length, then chunks of [4-byte big-endian compressed length, raw
 * snappy bytes] until the block's uncompressed length is reached]. Yields one decompressed chunk at a time, so
 * memory stays at one block (Hadoop's default buffer is 256 KiB).
 */
export async function* hadoopSnappyChunks(source: AsyncIterable<Buffer>, file: string): AsyncGenerator<Uint8Array> {
  const r = new ByteReader(source[Symbol.asyncIterator]());
  const decompress = compressors.SNAPPY!;
  let first = true;
  for (;;) {
    const head = await r.read(4);
    if (head.length === 0) return;
    if (first && head.length === 4 && head.equals(SNAPPY_FRAMED_MAGIC.subarray(0, 4))) {
      throw new SparkFactorsError(
        'this is the snappy framing format ("sNaPpY" stream), not the Hadoop SnappyCodec block format Spark writes',
        file,
        0,
      );
    }
    first = false;
    if (head.length < 4)
      throw new SparkFactorsError('truncated Hadoop snappy stream (incomplete block header)', file, 0);
    const rawLen = head.readUInt32BE(0);
    if (rawLen > MAX_HADOOP_BLOCK)
      throw new SparkFactorsError(`not a Hadoop snappy stream (block length ${rawLen})`, file, 0);
    let produced = 0;
    while (produced < rawLen) {
      const lenBytes = await r.read(4);
      if (lenBytes.length < 4)
        throw new SparkFactorsError('truncated Hadoop snappy stream (missing chunk length)', file, 0);
      const clen = lenBytes.readUInt32BE(0);
      const chunk = await r.read(clen);
      if (chunk.length < clen)
        throw new SparkFactorsError('truncated Hadoop snappy stream (chunk shorter than its length)', file, 0);
      const ulen = snappyLength(chunk);
      if (ulen < 0 || produced + ulen > rawLen)
        throw new SparkFactorsError('corrupt Hadoop snappy stream (chunk length disagrees with its block)', file, 0);
      let out: Uint8Array;
      try {
        out = decompress(chunk, ulen);
      } catch (err) {
        throw new SparkFactorsError(`corrupt snappy chunk (${(err as Error).message})`, file, 0);
      }
      produced += ulen;
      yield out;
    }
  }
}

/** The codec of a text part from its name (`part-00000-….json.gz` → gzip). */
export function textCodecOf(file: string): TextCodec | 'unsupported' {
  const ext = extname(file).toLowerCase();
  if (ext === '.gz') return 'gzip';
  if (ext === '.deflate') return 'deflate';
  if (ext === '.snappy') return 'snappy';
  if (['.bz2', '.lz4', '.zst', '.zstd', '.lzo', '.br'].includes(ext)) return 'unsupported';
  return 'none';
}

/** A text part's decompressed bytes as a stream of chunks. Errors of the file or the codec reject the iteration. */
function openText(file: string, codec: TextCodec): AsyncIterable<Uint8Array> {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  if (codec === 'none') return raw;
  if (codec === 'snappy') return hadoopSnappyChunks(raw, file);
  const unzip = codec === 'gzip' ? createGunzip() : createInflate();
  return pipeline(raw, unzip, () => {});
}

/** Lines of a text part with their 1-based numbers; CRLF ends are stripped. */
async function* textLines(file: string, codec: TextCodec): AsyncGenerator<[string, number]> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let lineNo = 0;
  try {
    for await (const chunk of openText(file, codec)) {
      const text = rest + decoder.write(chunk as Buffer);
      let start = 0;
      for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
        yield [text.slice(start, end).replace(/\r$/, ''), ++lineNo];
        start = end + 1;
      }
      rest = text.slice(start);
    }
  } catch (err) {
    if (err instanceof SparkFactorsError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES') throw err;
    throw new SparkFactorsError(`cannot decompress (${codec}): ${(err as Error).message}`, file, 0);
  }
  rest += decoder.end();
  if (rest !== '') yield [rest.replace(/\r$/, ''), ++lineNo];
}

// ---------------------------------------------------------------------------------------------
// Parquet parts.

function toInt32(v: unknown): number | null {
  const n = typeof v === 'bigint' ? Number(v) : v;
  return typeof n === 'number' && INT32.safeParse(n).success ? n : null;
}

/** Checks a Parquet part has `id` (int32/int64) and `features` (a list of float/double) before reading rows. */
function checkParquetColumns(file: string, metadata: FileMetaData): void {
  const top = parquetSchema(metadata).children;
  const id = top.find((c) => c.element.name === 'id');
  const features = top.find((c) => c.element.name === 'features');
  if (!id || !features) {
    throw new SparkFactorsError(
      `expected columns id and features (an ALS factor table), found ${top.map((c) => c.element.name).join(', ') || 'none'}`,
      file,
      0,
    );
  }
  if (id.element.type !== 'INT32' && id.element.type !== 'INT64')
    throw new SparkFactorsError(`column id is ${id.element.type ?? 'a group'}, expected INT32`, file, 0);
  let leaf = features;
  while (leaf.children.length === 1) leaf = leaf.children[0];
  if (
    leaf === features ||
    leaf.children.length > 0 ||
    (leaf.element.type !== 'FLOAT' && leaf.element.type !== 'DOUBLE')
  ) {
    throw new SparkFactorsError(
      `column features must be a list of FLOAT (array<float>), found ${leaf.element.type ?? 'a group'}`,
      file,
      0,
    );
  }
}

async function readParquetInto(builder: TableBuilder, file: string): Promise<void> {
  builder.startFile(file, 'row');
  const buffer = await asyncBufferFromFile(file);
  let metadata;
  try {
    metadata = await parquetMetadataAsync(buffer);
  } catch (err) {
    throw new SparkFactorsError(`not a readable Parquet file (${(err as Error).message})`, file, 0);
  }
  checkParquetColumns(file, metadata);
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    // One row group at a time: Spark's row groups are ≤ parquet.block.size (128 MiB) each.
    const rowEnd = rowStart + Number(group.num_rows);
    let rows;
    try {
      rows = await parquetReadObjects({
        file: buffer,
        metadata,
        columns: ['id', 'features'],
        rowStart,
        rowEnd,
        compressors,
      });
    } catch (err) {
      throw new SparkFactorsError(`cannot decode rows ${rowStart + 1}–${rowEnd} (${(err as Error).message})`, file, 0);
    }
    for (let r = 0; r < rows.length; r++) {
      const rowNo = rowStart + r + 1;
      const id = toInt32(rows[r].id);
      if (id === null)
        throw new SparkFactorsError(`id ${String(rows[r].id)} is not a 32-bit integer`, file, rowNo, 'row');
      const f = rows[r].features as ArrayLike<number> | null | undefined;
      if (f === null || f === undefined) throw new SparkFactorsError(`id ${id}: features is null`, file, rowNo, 'row');
      if (f.length === 0) throw new SparkFactorsError(`id ${id}: features is empty`, file, rowNo, 'row');
      builder.add(id, f, file, rowNo, 'row');
    }
    rowStart = rowEnd;
  }
}

// ---------------------------------------------------------------------------------------------
// Files and directories.

/** The files a path stands for: itself, or a Spark output directory's `part-*` files in name order. */
export function sparkPartFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  const names = readdirSync(path);
  const parts = names.filter((name) => name.startsWith('part-') && !name.endsWith('.crc')).sort();
  if (parts.length === 0)
    throw new SparkFactorsError('no part-* files in this directory (is it a Spark output directory?)', path, 0);
  if (!names.includes('_SUCCESS')) {
    throw new SparkFactorsError(
      '_SUCCESS is missing: Spark writes it when the job has finished writing this directory, so this output is incomplete ' +
        '(a failed or running job, or a partial copy). Copy the whole directory, _SUCCESS included',
      path,
      0,
    );
  }
  const unsupported = parts.find((name) => textCodecOf(name) === 'unsupported');
  if (unsupported) {
    throw new SparkFactorsError(
      `compressed part ${unsupported} is not read; write with .option("compression", "gzip"), "snappy" or "none"`,
      path,
      0,
    );
  }
  return parts.map((name) => join(path, name));
}

/** The format of one part file from its name, codec suffix removed (…json.gz → jsonl); null when unknown. */
function formatOf(file: string): SparkFactorFormat | null {
  const name = textCodecOf(file) === 'none' ? file : file.slice(0, -extname(file).length);
  const ext = extname(name).toLowerCase();
  if (ext === '.parquet') return 'parquet';
  if (ext === '.json' || ext === '.jsonl') return 'jsonl';
  if (ext === '.csv') return 'csv';
  return null;
}

/** The format a path's part files are in, from their extensions. */
export function detectFormat(files: readonly string[]): SparkFactorFormat {
  const formats = new Set(files.map(formatOf));
  if (formats.size === 1 && !formats.has(null)) return [...formats][0]!;
  const exts = [...new Set(files.map((f) => basename(f).replace(/^[^.]*/, '')))];
  throw new SparkFactorsError(
    `cannot tell the format from the extensions (${exts.join(', ') || 'none'}); pass --format parquet|jsonl|csv`,
    files[0] ?? '',
    0,
  );
}

/**
 * Reads a factor table from a file or a Spark output directory (Parquet, JSON lines or CSV; text parts plain or
 * gzip / deflate / Hadoop-snappy compressed). `format` overrides the detection from file extensions.
 * O(rows · k) time; memory is the result plus one row group or one decompressed block.
 */
export async function readSparkFactors(path: string, format?: SparkFactorFormat): Promise<FactorTable> {
  const files = sparkPartFiles(path);
  const fmt = format ?? detectFormat(files);
  let capacity = 1024;
  if (fmt === 'parquet') {
    // Exact row count from the footers, so the table is allocated once.
    capacity = 0;
    for (const file of files) {
      try {
        capacity += Number((await parquetMetadataAsync(await asyncBufferFromFile(file))).num_rows);
      } catch (err) {
        throw new SparkFactorsError(`not a readable Parquet file (${(err as Error).message})`, file, 0);
      }
    }
  }
  const builder = new TableBuilder(Math.max(16, capacity));
  for (const file of files) {
    if (fmt === 'parquet') {
      await readParquetInto(builder, file);
      continue;
    }
    const codec = textCodecOf(file);
    if (codec === 'unsupported')
      throw new SparkFactorsError('this compression is not read; use gzip, snappy or none', file, 0);
    builder.startFile(file, 'line');
    for await (const [line, lineNo] of textLines(file, codec)) addTextLine(builder, line, file, lineNo, fmt);
  }
  return builder.build(path);
}

// ---------------------------------------------------------------------------------------------
// ALSModel.save(path).

export const ALS_MODEL_CLASS = 'org.apache.spark.ml.recommendation.ALSModel';

/**
 * The metadata line Spark ML's `DefaultParamsWriter` writes (`metadata/part-00000`), with ALSModel's extra `rank`.
 * An ALSModel's paramMap holds only the model's own params (userCol, itemCol, predictionCol, coldStartStrategy,
 * blockSize): rank is top level, and the estimator's regParam, alpha, implicitPrefs and maxIter are not saved.
 */
export const SparkAlsMetadata = z.object({
  class: z.string(),
  timestamp: z.number().optional(),
  sparkVersion: z.string(),
  uid: z.string(),
  paramMap: z.record(z.string(), z.unknown()),
  defaultParamMap: z.record(z.string(), z.unknown()).optional(),
  rank: z.number().int().min(1),
});
export type SparkAlsMetadata = z.infer<typeof SparkAlsMetadata>;

export interface SparkAlsModel {
  metadata: SparkAlsMetadata;
  users: FactorTable;
  items: FactorTable;
}

function requireSuccess(dir: string, what: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new SparkFactorsError(`${what} directory is missing: is this the path given to ALSModel.save()?`, dir, 0);
  }
  if (!existsSync(join(dir, '_SUCCESS'))) {
    throw new SparkFactorsError(
      `_SUCCESS is missing, so Spark did not finish writing ${what} (a failed or running job, or a partial copy). ` +
        'Copy the whole model directory, every _SUCCESS included',
      dir,
      0,
    );
  }
}

/** Reads and validates `dir/metadata`: the first non-blank line of its first part file. */
export async function readSparkAlsMetadata(dir: string): Promise<SparkAlsMetadata> {
  const metaDir = join(dir, 'metadata');
  requireSuccess(metaDir, 'metadata/');
  const part = readdirSync(metaDir)
    .filter((n) => n.startsWith('part-') && !n.endsWith('.crc'))
    .sort()[0];
  if (!part) throw new SparkFactorsError('no part-* file in metadata/', metaDir, 0);
  const file = join(metaDir, part);
  const codec = textCodecOf(file);
  if (codec === 'unsupported')
    throw new SparkFactorsError('this compression is not read; use gzip, snappy or none', file, 0);
  let line: string | null = null;
  let lineNo = 0;
  for await (const [text, n] of textLines(file, codec)) {
    if (text.trim() !== '') {
      line = text;
      lineNo = n;
      break;
    }
  }
  if (line === null) throw new SparkFactorsError('metadata file is empty', file, 0);
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    throw new SparkFactorsError(`metadata is not JSON (${(err as Error).message})`, file, lineNo);
  }
  const cls = (value as { class?: unknown } | null)?.class;
  if (cls === 'org.apache.spark.ml.PipelineModel') {
    throw new SparkFactorsError(
      'this is a PipelineModel: pass its ALS stage directory instead (stages/<n>_als_<uid>)',
      file,
      lineNo,
    );
  }
  if (typeof cls === 'string' && cls !== ALS_MODEL_CLASS)
    throw new SparkFactorsError(`class is ${cls}, expected ${ALS_MODEL_CLASS}`, file, lineNo);
  const parsed = SparkAlsMetadata.safeParse(value);
  if (!parsed.success) throw new SparkFactorsError(`not ALSModel metadata: ${zodMessage(parsed.error)}`, file, lineNo);
  return parsed.data;
}

/**
 * Reads the directory `ALSModel.save(dir)` (or `model.write().save(dir)`) wrote: checks every `_SUCCESS`, the
 * metadata class, and that the metadata rank equals the features' length in both factor tables, then reads
 * `userFactors/` and `itemFactors/` (Parquet as Spark writes them, or any format {@link readSparkFactors} reads).
 */
export async function readSparkAlsModel(dir: string): Promise<SparkAlsModel> {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new SparkFactorsError('not a directory (expected the path given to ALSModel.save())', dir, 0);
  const metadata = await readSparkAlsMetadata(dir);
  const tables: FactorTable[] = [];
  for (const name of ['userFactors', 'itemFactors']) {
    const sub = join(dir, name);
    requireSuccess(sub, `${name}/`);
    const table = await readSparkFactors(sub);
    if (table.k !== metadata.rank) {
      throw new SparkFactorsError(
        `metadata says rank = ${metadata.rank} but the ${name} rows have ${table.k} features: the directory mixes two models, or the metadata was edited`,
        sub,
        0,
      );
    }
    tables.push(table);
  }
  return { metadata, users: tables[0], items: tables[1] };
}

/**
 * Reads ALS factor tables as Spark MLlib writes them (`ALSModel.userFactors` / `itemFactors`: DataFrames with
 * columns `id: int` and `features: array<float>`).
 *
 * Accepted input (docs/SCALING.md):
 * - JSON lines (`df.write.json(dir)`): one `{"id":1,"features":[0.1,…]}` object per line.
 * - CSV (Spark's CSV writer cannot write arrays, so the table is flattened first): `id,features` per line, an
 *   optional header `id,features`, and the features as a `[a,b,…]` list (quoted, as Spark quotes a field with
 *   commas, or not), a `[a;b;…]` list, or a bare `a;b;…` list.
 * - A single file, or a Spark output directory: every `part-*` file in it, in name order; `_SUCCESS`, `.crc` and
 *   other hidden files are ignored. Compressed parts (`.gz`, `.snappy`) and Parquet are not read.
 *
 * Validation is all-or-nothing: the first bad row throws a {@link SparkFactorsError} naming the file and line
 * (integer 32-bit id, finite float32 features, the same k on every row, no duplicate ids).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { z } from 'zod';
import { GrowableFloat32, GrowableInt32 } from './growable';

export type SparkFactorFormat = 'jsonl' | 'csv';

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

/** A malformed row or file; nothing was imported. */
export class SparkFactorsError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line: number,
  ) {
    super(line > 0 ? `${file}:${line}: ${message}` : `${file}: ${message}`);
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

/** Incremental builder that enforces one k and unique ids across all files of a table. */
class TableBuilder {
  k = -1;
  private readonly ids = new GrowableInt32();
  private readonly factors = new GrowableFloat32();
  private readonly seen = new Map<number, string>();
  readonly files: string[] = [];

  add(row: SparkFactorRow, file: string, line: number): void {
    const f = row.features;
    if (this.k === -1) this.k = f.length;
    else if (f.length !== this.k) throw new SparkFactorsError(`id ${row.id} has ${f.length} features, expected k = ${this.k} as on earlier rows`, file, line);
    const prev = this.seen.get(row.id);
    if (prev !== undefined) throw new SparkFactorsError(`duplicate id ${row.id} (first seen at ${prev})`, file, line);
    this.seen.set(row.id, `${basename(file)}:${line}`);
    for (let x = 0; x < f.length; x++) {
      // Math.fround: a finite double beyond float32 range would become Infinity in the table.
      if (!Number.isFinite(Math.fround(f[x]))) throw new SparkFactorsError(`id ${row.id}: features[${x}] = ${f[x]} is not a finite float32`, file, line);
    }
    this.ids.push(row.id);
    for (let x = 0; x < f.length; x++) this.factors.push(f[x]);
  }

  build(): FactorTable {
    return { k: Math.max(this.k, 0), ids: this.ids.toArray(), factors: this.factors.toArray(), files: this.files };
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
  const idText = line.slice(0, comma).trim().replace(/^"(.*)"$/, '$1');
  let feat = line.slice(comma + 1).trim();
  if (lineNo === 1 && idText === 'id' && feat.replace(/"/g, '') === 'features') return null; // header
  if (feat.startsWith('"')) {
    if (!feat.endsWith('"') || feat.length < 2) throw new SparkFactorsError('unterminated quoted features field', file, lineNo);
    feat = feat.slice(1, -1).replace(/""/g, '"').trim();
  }
  const bracketed = feat.startsWith('[');
  if (bracketed !== feat.endsWith(']')) throw new SparkFactorsError('unbalanced [ ] around features', file, lineNo);
  if (bracketed) feat = feat.slice(1, -1);
  else if (feat.includes(',')) throw new SparkFactorsError('a comma-separated features list must be in [ ] (or use ";" between values)', file, lineNo);
  const parts = feat.includes(';') ? feat.split(';') : feat.split(',');
  const features = parts.map(parseNumberToken);
  const bad = features.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new SparkFactorsError(`features[${bad}] = "${parts[bad].trim()}" is not a finite number`, file, lineNo);
  const id = parseNumberToken(idText);
  const parsed = SparkFactorRow.safeParse({ id, features });
  if (!parsed.success) throw new SparkFactorsError(`${zodMessage(parsed.error)} (id "${idText}")`, file, lineNo);
  return parsed.data;
}

/**
 * Parses the text of one part file into `builder`. Lines are 1-based; blank lines are skipped.
 * O(rows · k).
 */
function parseInto(builder: TableBuilder, text: string, file: string, format: SparkFactorFormat): void {
  builder.files.push(file);
  let start = 0;
  let lineNo = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNo++;
    const line = text.slice(start, end).replace(/\r$/, '');
    start = end + 1;
    if (line.trim() === '') continue;
    const row = format === 'jsonl' ? parseJsonRow(line, file, lineNo) : parseCsvRow(line, file, lineNo);
    if (row) builder.add(row, file, lineNo);
  }
}

/**
 * Parses in-memory part files (name + text) as one factor table. Pure: the unit-testable core of
 * {@link readSparkFactors}. Throws {@link SparkFactorsError} on the first bad row, or when there are no rows.
 * O(total rows · k) time and memory.
 */
export function parseSparkFactors(parts: readonly { file: string; text: string }[], format: SparkFactorFormat): FactorTable {
  const builder = new TableBuilder();
  for (const p of parts) parseInto(builder, p.text, p.file, format);
  const table = builder.build();
  if (table.ids.length === 0) throw new SparkFactorsError('no factor rows found', parts.map((p) => p.file).join(', ') || '(no files)', 0);
  return table;
}

/** The files a path stands for: itself, or a Spark output directory's `part-*` files in name order. */
export function sparkPartFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  const parts = readdirSync(path)
    .filter((name) => name.startsWith('part-') && !name.endsWith('.crc'))
    .sort();
  const compressed = parts.find((name) => /\.(gz|snappy|bz2|lz4|zst|deflate)$/.test(name));
  if (compressed) throw new SparkFactorsError(`compressed part files are not read (${compressed}); write with .option("compression", "none")`, path, 0);
  const parquet = parts.find((name) => name.endsWith('.parquet'));
  if (parquet) throw new SparkFactorsError(`Parquet is not read (${parquet}); write the factors with df.write.json(dir) instead`, path, 0);
  if (parts.length === 0) throw new SparkFactorsError('no part-* files in this directory (is it a Spark output directory?)', path, 0);
  return parts.map((name) => join(path, name));
}

/** The format a path's part files are in, from their extension (json → jsonl, csv → csv). */
export function detectFormat(files: readonly string[]): SparkFactorFormat {
  const exts = new Set(files.map((f) => extname(f).toLowerCase()));
  if ([...exts].every((e) => e === '.json' || e === '.jsonl')) return 'jsonl';
  if ([...exts].every((e) => e === '.csv')) return 'csv';
  throw new SparkFactorsError(`cannot tell the format from the extensions (${[...exts].join(', ') || 'none'}); pass --format jsonl|csv`, files[0] ?? '', 0);
}

/**
 * Reads a factor table from a file or a Spark output directory. Whole part files are read into memory one at a
 * time (Spark splits large tables into many parts). O(rows · k).
 */
export function readSparkFactors(path: string, format?: SparkFactorFormat): FactorTable {
  const files = sparkPartFiles(path);
  const fmt = format ?? detectFormat(files);
  const builder = new TableBuilder();
  for (const file of files) parseInto(builder, readFileSync(file, 'utf8'), file, fmt);
  const table = builder.build();
  if (table.ids.length === 0) throw new SparkFactorsError('no factor rows found', path, 0);
  return table;
}

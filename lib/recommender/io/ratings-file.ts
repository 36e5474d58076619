import { closeSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { GrowableFloat32, GrowableFloat64, GrowableInt32 } from './growable';
import { IssueLog, type ImportIssue } from './issues';

/** Ratings loaded from a MovieLens-format file, as parallel typed arrays (one entry per kept row). */
export interface RatingsData {
  userIds: Int32Array;
  movieIds: Int32Array;
  ratings: Float32Array;
  /** Unix seconds. */
  timestamps: Float64Array;
  /** First issues found (capped); `issueCount` counts all of them. */
  issues: ImportIssue[];
  issueCount: number;
  /** Data lines read (kept + skipped), header excluded. */
  linesRead: number;
}

export interface RatingsParseOptions {
  /** Accepted rating range, inclusive. Default [0.5, 5]. */
  ratingRange?: readonly [number, number];
  /** Require ratings on a half-star grid. Default true. */
  halfSteps?: boolean;
  /** Maximum issues stored (all are counted). Default 100. */
  maxIssues?: number;
}

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const COMMA = 44;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;

/**
 * Parses bytes [a, b) as a decimal number without building a string; NaN when not a plain number
 * (optional sign, digits, optional fraction; an exponent falls back to Number()).
 */
function parseNumber(buf: Uint8Array, a: number, b: number): number {
  while (a < b && buf[a] === SPACE) a++;
  while (b > a && buf[b - 1] === SPACE) b--;
  if (a === b) return NaN;
  let neg = false;
  if (buf[a] === MINUS) {
    neg = true;
    a++;
    if (a === b) return NaN;
  }
  let intPart = 0;
  let p = a;
  let digits = 0;
  while (p < b && buf[p] >= ZERO && buf[p] <= NINE) {
    intPart = intPart * 10 + (buf[p] - ZERO);
    p++;
    digits++;
  }
  let value = intPart;
  if (p < b && buf[p] === DOT) {
    p++;
    let frac = 0;
    let scale = 1;
    while (p < b && buf[p] >= ZERO && buf[p] <= NINE) {
      frac = frac * 10 + (buf[p] - ZERO);
      scale *= 10;
      p++;
      digits++;
    }
    value = intPart + frac / scale;
  }
  if (digits === 0) return NaN;
  if (p < b) {
    if (buf[p] === 101 || buf[p] === 69) {
      const s = new TextDecoder().decode(buf.subarray(neg ? a - 1 : a, b));
      return Number(s);
    }
    return NaN;
  }
  return neg ? -value : value;
}

/**
 * Incremental parser for MovieLens ratings: `userId,movieId,rating,timestamp` CSV (header optional)
 * or ml-100k tab-separated `user item rating timestamp`. Feed it chunks of any size with
 * {@link RatingsParser.push}; only the current partial line is ever copied. Malformed rows
 * (non-numeric or missing fields, ratings outside the range or off the half-star grid) are skipped
 * and reported by line. Memory: 20 bytes per kept row.
 */
export class RatingsParser {
  private readonly users = new GrowableInt32(1 << 16);
  private readonly movies = new GrowableInt32(1 << 16);
  private readonly ratings = new GrowableFloat32(1 << 16);
  private readonly times = new GrowableFloat64(1 << 16);
  private readonly log: IssueLog;
  private readonly minRating: number;
  private readonly maxRating: number;
  private readonly halfSteps: boolean;
  private carry: Uint8Array = new Uint8Array(0);
  private line = 0;
  private dataLines = 0;
  private delimiter = -1;
  private readonly fields = new Int32Array(16);

  constructor(
    private readonly file: string,
    opts: RatingsParseOptions = {},
  ) {
    [this.minRating, this.maxRating] = opts.ratingRange ?? [0.5, 5];
    this.halfSteps = opts.halfSteps ?? true;
    this.log = new IssueLog(opts.maxIssues ?? 100);
  }

  push(chunk: Uint8Array): void {
    let buf = chunk;
    let start = 0;
    if (this.carry.length > 0) {
      // Complete the carried partial line with the head of this chunk only.
      const nl = chunk.indexOf(LF);
      if (nl < 0) {
        const joined = new Uint8Array(this.carry.length + chunk.length);
        joined.set(this.carry);
        joined.set(chunk, this.carry.length);
        this.carry = joined;
        return;
      }
      const joined = new Uint8Array(this.carry.length + nl);
      joined.set(this.carry);
      joined.set(chunk.subarray(0, nl), this.carry.length);
      this.carry = new Uint8Array(0);
      this.parseLine(joined, 0, joined.length);
      start = nl + 1;
    }
    buf = chunk;
    let a = start;
    for (;;) {
      const nl = buf.indexOf(LF, a);
      if (nl < 0) break;
      this.parseLine(buf, a, nl);
      a = nl + 1;
    }
    if (a < buf.length) this.carry = buf.slice(a);
  }

  end(): RatingsData {
    if (this.carry.length > 0) {
      const rest = this.carry;
      this.carry = new Uint8Array(0);
      this.parseLine(rest, 0, rest.length);
    }
    return {
      userIds: this.users.toArray(),
      movieIds: this.movies.toArray(),
      ratings: this.ratings.toArray(),
      timestamps: this.times.toArray(),
      issues: this.log.issues,
      issueCount: this.log.count,
      linesRead: this.dataLines,
    };
  }

  private parseLine(buf: Uint8Array, a: number, b: number): void {
    this.line++;
    if (b > a && buf[b - 1] === CR) b--;
    if (b === a) return; // blank line (e.g. trailing newline)
    if (this.delimiter < 0) {
      this.delimiter = buf.subarray(a, b).indexOf(TAB) >= 0 ? TAB : COMMA;
      if (this.line === 1 && !(buf[a] >= ZERO && buf[a] <= NINE) && buf[a] !== MINUS) {
        const header = new TextDecoder().decode(buf.subarray(a, b)).toLowerCase();
        if (header.includes('userid') || header.includes('user')) return; // header row
      }
    }
    this.dataLines++;
    const f = this.fields;
    let nFields = 0;
    f[nFields++] = a;
    for (let p = a; p < b && nFields < f.length; p++) if (buf[p] === this.delimiter) f[nFields++] = p + 1;
    if (nFields < 4) {
      this.log.add(this.file, this.line, `expected 4 fields (userId, movieId, rating, timestamp), found ${nFields}`);
      return;
    }
    if (nFields > 4) {
      this.log.add(this.file, this.line, `expected 4 fields, found ${nFields}`);
      return;
    }
    const user = parseNumber(buf, f[0], f[1] - 1);
    const movie = parseNumber(buf, f[1], f[2] - 1);
    const rating = parseNumber(buf, f[2], f[3] - 1);
    const time = parseNumber(buf, f[3], b);
    if (!Number.isInteger(user) || user < 0 || user > 0x7fffffff) {
      this.log.add(this.file, this.line, 'userId is not a non-negative integer');
      return;
    }
    if (!Number.isInteger(movie) || movie < 0 || movie > 0x7fffffff) {
      this.log.add(this.file, this.line, 'movieId is not a non-negative integer');
      return;
    }
    if (Number.isNaN(rating)) {
      this.log.add(this.file, this.line, 'rating is not a number');
      return;
    }
    if (rating < this.minRating || rating > this.maxRating) {
      this.log.add(this.file, this.line, `rating ${rating} outside ${this.minRating}–${this.maxRating}`);
      return;
    }
    if (this.halfSteps && !Number.isInteger(rating * 2)) {
      this.log.add(this.file, this.line, `rating ${rating} is not a half-star step`);
      return;
    }
    if (Number.isNaN(time)) {
      this.log.add(this.file, this.line, 'timestamp is not a number');
      return;
    }
    this.users.push(user);
    this.movies.push(movie);
    this.ratings.push(rating);
    this.times.push(time);
  }
}

/** Bytes per read when streaming a file. */
const CHUNK_BYTES = 4 << 20;

/**
 * Loads a MovieLens ratings file (ratings.csv, the bench split CSVs, ml-100k u.data / uN.base /
 * uN.test) by reading it in 4 MB chunks. A 25M-row file needs ≈ 500 MB for the arrays and no
 * per-row strings. Issues name the file by its base name.
 */
export function loadRatingsFile(path: string, opts: RatingsParseOptions = {}): RatingsData {
  const parser = new RatingsParser(basename(path), opts);
  const fd = openSync(path, 'r');
  try {
    const chunk = new Uint8Array(CHUNK_BYTES);
    for (;;) {
      const n = readSync(fd, chunk, 0, CHUNK_BYTES, null);
      if (n <= 0) break;
      // push() copies any partial line it keeps, so the chunk buffer can be reused.
      parser.push(chunk.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return parser.end();
}

import { unzipSync } from 'fflate';
import { decodeText, isBlank, readCsv, type CsvRecord } from './csv';
import {
  MAX_IMPORT_ROWS,
  MAX_UNZIPPED_BYTES,
  type ImportKind,
  type ImportList,
  type ImportRow,
  type ImportSource,
  type MalformedRow,
  type ParsedImport,
} from './types';

/** An upload the member must fix (wrong kind of file, over a limit): the message says what to do. */
export class ImportFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportFileError';
  }
}

type Format =
  | { source: 'letterboxd'; kind: 'ratings' | 'diary' | 'watched' | 'watchlist' | 'likes' | 'list' }
  | { source: 'imdb'; kind: 'ratings' | 'watchlist' }
  | { source: 'movielens'; kind: 'ratings' };

const LB_BASE = ['date', 'name', 'year', 'letterboxd uri'];
const KNOWN_COLUMNS: Record<string, string[]> = {
  'letterboxd:ratings': [...LB_BASE, 'rating'],
  'letterboxd:diary': [...LB_BASE, 'rating', 'rewatch', 'tags', 'watched date'],
  'letterboxd:watched': LB_BASE,
  'letterboxd:list': ['position', 'name', 'year', 'url', 'description'],
  'imdb:ratings': [
    'const',
    'your rating',
    'date rated',
    'title',
    'original title',
    'url',
    'title type',
    'imdb rating',
    'runtime (mins)',
    'year',
    'genres',
    'num votes',
    'release date',
    'directors',
    'description',
    'position',
    'created',
    'modified',
  ],
  'imdb:watchlist': [
    'position',
    'const',
    'created',
    'modified',
    'description',
    'title',
    'original title',
    'url',
    'title type',
    'imdb rating',
    'runtime (mins)',
    'year',
    'genres',
    'num votes',
    'release date',
    'directors',
    'your rating',
    'date rated',
  ],
  'movielens:ratings': [
    'movie_id',
    'imdb_id',
    'tmdb_id',
    'rating',
    'average_rating',
    'title',
    'year',
    'date',
    'timestamp',
    'genres',
  ],
};

const norm = (h: string) =>
  h
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase();

/** Which export a CSV is, from its header and (for Letterboxd's look-alike files) its path in the zip. */
function detectFormat(path: string, header: string[]): Format | null {
  const h = header.map(norm);
  const has = (...cols: string[]) => cols.every((c) => h.includes(c));
  const base = path.toLowerCase().split('/').pop() ?? '';
  // IMDb's watchlist (and list) exports also have a "Your Rating" column; only they have Position.
  if (has('const', 'position')) return { source: 'imdb', kind: 'watchlist' };
  if (has('const', 'your rating')) return { source: 'imdb', kind: 'ratings' };
  if (has('movie_id', 'rating')) return { source: 'movielens', kind: 'ratings' };
  if (has('date', 'name', 'year')) {
    if (has('watched date')) return { source: 'letterboxd', kind: 'diary' };
    if (has('rating')) return { source: 'letterboxd', kind: 'ratings' };
    if (/(^|\/)likes\//i.test(path) || base === 'likes.csv' || base === 'films.csv')
      return { source: 'letterboxd', kind: 'likes' };
    if (base.startsWith('watchlist')) return { source: 'letterboxd', kind: 'watchlist' };
    return { source: 'letterboxd', kind: 'watched' };
  }
  return null;
}

function isListFile(records: CsvRecord[]): boolean {
  return records.some((r) => norm(r.cells[0] ?? '') === 'position' && norm(r.cells[1] ?? '') === 'name');
}

/** A cell written by our own export with a formula guard ("'=x") reads back as the original text. */
const unguard = (s: string) => (/^'[=+\-@]/.test(s) ? s.slice(1) : s);

function parseYear(raw: string | undefined): number | null | 'bad' {
  const s = (raw ?? '').trim();
  if (!s) return null;
  if (!/^\d{4}$/.test(s)) return 'bad';
  const y = Number(s);
  return y >= 1870 && y <= 2100 ? y : 'bad';
}

/** YYYY-MM-DD (a timestamp's date part is accepted), checked to be a real calendar date. */
function parseDate(raw: string | undefined): string | null | 'bad' {
  const s = (raw ?? '').trim();
  if (!s) return null;
  if (/^\d{9,11}$/.test(s)) return new Date(Number(s) * 1000).toISOString().slice(0, 10);
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+Z?)?$/.exec(s);
  if (!m) return 'bad';
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  if (d.getUTCFullYear() !== +m[1] || d.getUTCMonth() !== +m[2] - 1 || d.getUTCDate() !== +m[3]) return 'bad';
  return `${m[1]}-${m[2]}-${m[3]}`;
}

function parseHalfStars(raw: string, scale: 'stars' | 'imdb'): number | 'bad' {
  const s = raw.trim().replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(s)) return 'bad';
  const v = Number(s);
  if (scale === 'imdb') return Number.isInteger(v) && v >= 1 && v <= 10 ? v / 2 : 'bad';
  return v >= 0.5 && v <= 5 && Number.isInteger(v * 2) ? v : 'bad';
}

const REEL_URI = /\/movies\/(\d+)\/?$/;

interface FileOut {
  rows: ImportRow[];
  lists: ImportList[];
  malformed: MalformedRow[];
  warnings: string[];
}

/** Column lookup for one header; warns once about columns the format does not have (their data is ignored). */
function columns(file: string, header: CsvRecord, known: string[], out: FileOut) {
  const idx = new Map<string, number>();
  header.cells.forEach((c, i) => {
    const k = norm(c);
    if (k && !idx.has(k)) idx.set(k, i);
  });
  const unknown = header.cells.map(norm).filter((c) => c && !known.includes(c));
  if (unknown.length)
    out.warnings.push(
      `${file}: unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')} ignored`,
    );
  return (cells: string[], name: string) => {
    const i = idx.get(name);
    return i === undefined ? '' : unguard((cells[i] ?? '').trim());
  };
}

function checkWidth(file: string, r: CsvRecord, width: number, out: FileOut): boolean {
  if (r.cells.length > width) {
    out.malformed.push({
      file,
      line: r.line,
      reason: `${r.cells.length} fields where the header has ${width} (an unquoted comma?)`,
    });
    return false;
  }
  return true;
}

function parseLetterboxdList(file: string, records: CsvRecord[], listIndex: number, out: FileOut): void {
  const at = records.findIndex((r) => norm(r.cells[0] ?? '') === 'position' && norm(r.cells[1] ?? '') === 'name');
  // The header block: "Letterboxd list export v7", then Date,Name,Tags,URL,Description and one row of values.
  const metaHeader = records.slice(0, at).find((r) => r.cells.map(norm).includes('name'));
  const metaRow = metaHeader ? records.slice(records.indexOf(metaHeader) + 1, at).find((r) => !isBlank(r)) : undefined;
  const metaCol = (n: string) => {
    const i = metaHeader?.cells.map(norm).indexOf(n) ?? -1;
    return i >= 0 ? unguard((metaRow?.cells[i] ?? '').trim()) : '';
  };
  const fallbackName = (file.split('/').pop() ?? file)
    .replace(/\.csv$/i, '')
    .replace(/[-_]+/g, ' ')
    .trim();
  out.lists.push({
    name: (metaCol('name') || fallbackName).slice(0, 120),
    description: metaCol('description').slice(0, 2000),
    file,
  });
  const header = records[at];
  const col = columns(file, header, KNOWN_COLUMNS['letterboxd:list'], out);
  let pos = 0;
  for (const r of records.slice(at + 1)) {
    if (isBlank(r)) continue;
    if (!checkWidth(file, r, header.cells.length, out)) continue;
    const title = col(r.cells, 'name');
    const year = parseYear(col(r.cells, 'year'));
    if (!title) {
      out.malformed.push({ file, line: r.line, reason: 'no film name' });
      continue;
    }
    if (year === 'bad') {
      out.malformed.push({ file, line: r.line, reason: `year "${col(r.cells, 'year')}" is not a year` });
      continue;
    }
    const p = Number(col(r.cells, 'position'));
    pos = Number.isInteger(p) && p > 0 ? p : pos + 1;
    const uri = REEL_URI.exec(col(r.cells, 'url'));
    out.rows.push({
      file,
      line: r.line,
      kind: 'list',
      title,
      year,
      list: listIndex,
      position: pos,
      note: col(r.cells, 'description') || undefined,
      ...(uri ? { movieId: Number(uri[1]) } : {}),
    });
  }
}

function parseRecords(file: string, records: CsvRecord[], format: Format, out: FileOut, listIndex: number): void {
  if (format.source === 'letterboxd' && format.kind === 'list')
    return parseLetterboxdList(file, records, listIndex, out);
  const header = records[0];
  const known =
    KNOWN_COLUMNS[
      `${format.source}:${format.kind === 'likes' || (format.kind === 'watchlist' && format.source === 'letterboxd') ? 'watched' : format.kind}`
    ];
  const col = columns(file, header, known, out);
  for (const r of records.slice(1)) {
    if (isBlank(r)) continue;
    if (!checkWidth(file, r, header.cells.length, out)) continue;
    const bad = (reason: string) => out.malformed.push({ file, line: r.line, reason });
    const c = (n: string) => col(r.cells, n);
    if (format.source === 'letterboxd') {
      const title = c('name');
      const year = parseYear(c('year'));
      const date = parseDate(c('date'));
      if (!title) {
        bad('no film name');
        continue;
      }
      if (year === 'bad') {
        bad(`year "${c('year')}" is not a year`);
        continue;
      }
      if (date === 'bad') {
        bad(`date "${c('date')}" is not a date (YYYY-MM-DD)`);
        continue;
      }
      const uri = REEL_URI.exec(c('letterboxd uri'));
      const film = { file, line: r.line, title, year, ...(uri ? { movieId: Number(uri[1]) } : {}) };
      if (format.kind === 'ratings') {
        const raw = c('rating');
        if (!raw) {
          bad('no rating');
          continue;
        }
        const v = parseHalfStars(raw, 'stars');
        if (v === 'bad') {
          bad(`rating "${raw}" is not between 0.5 and 5 in half stars`);
          continue;
        }
        out.rows.push({ ...film, kind: 'rating', rating: v, date: date ?? undefined });
      } else if (format.kind === 'diary') {
        const watched = parseDate(c('watched date'));
        if (watched === 'bad') {
          bad(`watched date "${c('watched date')}" is not a date (YYYY-MM-DD)`);
          continue;
        }
        const raw = c('rating');
        const v = raw ? parseHalfStars(raw, 'stars') : undefined;
        if (v === 'bad') {
          bad(`rating "${raw}" is not between 0.5 and 5 in half stars`);
          continue;
        }
        out.rows.push({
          ...film,
          kind: 'watch',
          date: watched ?? date ?? undefined,
          rating: v,
          rewatch: /^yes$/i.test(c('rewatch')),
        });
      } else {
        const kind: ImportKind = format.kind === 'likes' ? 'like' : format.kind === 'watchlist' ? 'watchlist' : 'watch';
        out.rows.push({ ...film, kind, date: date ?? undefined });
      }
    } else if (format.source === 'imdb') {
      const constId = c('const');
      const m = /^tt(\d+)$/.exec(constId);
      if (!m) {
        bad(`"${constId}" is not an IMDb id (tt…)`);
        continue;
      }
      const title = c('title') || c('original title');
      const year = parseYear(c('year'));
      const base = { file, line: r.line, title, year: year === 'bad' ? null : year, imdbId: Number(m[1]) };
      if (format.kind === 'ratings') {
        const raw = c('your rating');
        if (!raw) {
          bad('no rating');
          continue;
        }
        const v = parseHalfStars(raw, 'imdb');
        if (v === 'bad') {
          bad(`rating "${raw}" is not a whole number from 1 to 10`);
          continue;
        }
        const date = parseDate(c('date rated'));
        if (date === 'bad') {
          bad(`date "${c('date rated')}" is not a date (YYYY-MM-DD)`);
          continue;
        }
        out.rows.push({ ...base, kind: 'rating', rating: v, date: date ?? undefined });
      } else {
        const date = parseDate(c('created'));
        out.rows.push({ ...base, kind: 'watchlist', date: date === 'bad' || date === null ? undefined : date });
      }
    } else {
      const id = Number(c('movie_id'));
      const raw = c('rating');
      if (!Number.isInteger(id) || id <= 0) {
        bad(`movie_id "${c('movie_id')}" is not a MovieLens id`);
        continue;
      }
      if (!raw) {
        bad('no rating');
        continue;
      }
      const v = parseHalfStars(raw, 'stars');
      if (v === 'bad') {
        bad(`rating "${raw}" is not between 0.5 and 5 in half stars`);
        continue;
      }
      const imdb = Number(c('imdb_id').replace(/^tt/, ''));
      const tmdb = Number(c('tmdb_id'));
      const date = parseDate(c('date') || c('timestamp'));
      const titleYear = /^(.*?)\s*\((\d{4})\)\s*$/.exec(c('title'));
      const year = parseYear(c('year'));
      out.rows.push({
        file,
        line: r.line,
        kind: 'rating',
        rating: v,
        movieId: id,
        title: titleYear ? titleYear[1] : c('title'),
        year: titleYear ? Number(titleYear[2]) : year === 'bad' ? null : year,
        ...(imdb > 0 ? { imdbId: imdb } : {}),
        ...(tmdb > 0 ? { tmdbId: tmdb } : {}),
        date: date === 'bad' || date === null ? undefined : date,
      });
    }
  }
}

const IGNORED_LETTERBOXD = /(^|\/)(profile|comments|reviews|watched-films?|deleted|orphaned)|\.(txt|json|html?)$/i;

function parseCsvFile(
  path: string,
  bytes: Uint8Array,
  out: FileOut & { sources: Set<ImportSource> },
  inZip: boolean,
): void {
  const { text, encoding } = decodeText(bytes);
  if (encoding === 'windows-1252')
    out.warnings.push(`${path}: not UTF-8; read as Windows-1252 (check accented titles in the preview)`);
  if (text.includes('\uFFFD')) out.warnings.push(`${path}: contains characters that could not be decoded`);
  const { records, problems } = readCsv(text);
  for (const p of problems) out.malformed.push({ file: path, line: p.line, reason: p.reason });
  const first = records.find((r) => !isBlank(r));
  if (!first) {
    if (!inZip) throw new ImportFileError(`${path} is empty.`);
    return;
  }
  if (isListFile(records)) {
    out.sources.add('letterboxd');
    parseRecords(path, records, { source: 'letterboxd', kind: 'list' }, out, out.lists.length);
    return;
  }
  const format = detectFormat(path, first.cells);
  if (!format) {
    const msg = `${path}: columns ${first.cells
      .slice(0, 6)
      .map((c) => `"${c}"`)
      .join(', ')} are not a Letterboxd, IMDb or MovieLens export`;
    if (!inZip) throw new ImportFileError(`${msg}. Upload the export file as the site gave it.`);
    out.warnings.push(`${msg}; file skipped`);
    return;
  }
  out.sources.add(format.source);
  const from = records.indexOf(first);
  parseRecords(path, records.slice(from), format, out, out.lists.length);
}

/** Film identity within one import: a Reel/MovieLens id or IMDb id when present, else title and year. */
function filmKey(r: ImportRow): string {
  if (r.movieId) return `id:${r.movieId}`;
  if (r.imdbId) return `imdb:${r.imdbId}`;
  return `t:${r.title.toLowerCase()}|${r.year ?? ''}`;
}

/**
 * Letterboxd's files overlap: ratings.csv holds each film's current rating, diary.csv every logged watch (with the
 * rating given then), watched.csv every film marked watched. Ratings come from ratings.csv (else the latest diary
 * entry), watches from the diary (else watched.csv, dated by when it was logged), so nothing is counted twice.
 */
function reconcileLetterboxd(rows: ImportRow[]): ImportRow[] {
  const hasRatingsFile = rows.some((r) => r.kind === 'rating');
  const diaryFilms = new Set(rows.filter((r) => r.kind === 'watch' && /diary/i.test(r.file)).map(filmKey));
  const out: ImportRow[] = [];
  const latestDiaryRating = new Map<string, ImportRow>();
  for (const r of rows) {
    if (r.kind === 'watch' && !/diary/i.test(r.file) && diaryFilms.has(filmKey(r))) continue;
    if (!hasRatingsFile && r.kind === 'watch' && r.rating !== undefined) {
      const k = filmKey(r);
      const prev = latestDiaryRating.get(k);
      if (!prev || (r.date ?? '') >= (prev.date ?? '')) latestDiaryRating.set(k, r);
    }
    out.push(r);
  }
  for (const r of latestDiaryRating.values()) out.push({ ...r, kind: 'rating', rewatch: undefined });
  return out;
}

/**
 * Any supported upload → rows to match: a Letterboxd export zip (as Letterboxd gives it) or one of its CSVs, an IMDb
 * ratings or watchlist export, or a MovieLens.org ratings export. Bad rows are reported with file, line and reason
 * and never stop the rest; a file that is not an export at all throws ImportFileError with what to do.
 */
export function parseHistoryFile(fileName: string, bytes: Uint8Array): ParsedImport {
  const out: FileOut & { sources: Set<ImportSource> } = {
    rows: [],
    lists: [],
    malformed: [],
    warnings: [],
    sources: new Set(),
  };
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  if (isZip) {
    let total = 0;
    let files: Record<string, Uint8Array>;
    try {
      files = unzipSync(bytes, {
        filter: (f) => {
          total += f.originalSize;
          if (total > MAX_UNZIPPED_BYTES)
            throw new ImportFileError(
              `The zip unpacks to more than ${MAX_UNZIPPED_BYTES / 1024 / 1024} MB; upload the CSV files you need one by one.`,
            );
          return f.name.toLowerCase().endsWith('.csv') && !f.name.startsWith('__MACOSX/');
        },
      });
    } catch (err) {
      if (err instanceof ImportFileError) throw err;
      throw new ImportFileError(
        'That zip file could not be opened. Download the export again and upload it unchanged.',
      );
    }
    const names = Object.keys(files).sort((a, b) => a.localeCompare(b));
    for (const name of names) {
      const rel = name.replace(/^[^/]*letterboxd[^/]*\//i, '');
      if (IGNORED_LETTERBOXD.test(rel)) {
        out.warnings.push(`${rel}: not imported (Reel has no place for it yet)`);
        continue;
      }
      parseCsvFile(rel, files[name], out, true);
    }
    if (out.sources.size === 0) throw new ImportFileError('The zip holds no Letterboxd, IMDb or MovieLens CSV file.');
  } else {
    if (/\.(xlsx?|numbers|json|txt)$/i.test(fileName))
      throw new ImportFileError('Upload the export as a .csv or .zip file.');
    parseCsvFile(fileName, bytes, out, false);
  }
  if (out.sources.size > 1) throw new ImportFileError('Upload one site’s export at a time (this zip mixes several).');
  const source = [...out.sources][0] ?? 'letterboxd';
  const rows = source === 'letterboxd' ? reconcileLetterboxd(out.rows) : out.rows;
  if (rows.length > MAX_IMPORT_ROWS)
    throw new ImportFileError(
      `The file has ${rows.length.toLocaleString('en')} rows; Reel imports at most ${MAX_IMPORT_ROWS.toLocaleString('en')} at a time. Split it and upload the parts.`,
    );
  out.malformed.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { source, rows, lists: out.lists, malformed: out.malformed, warnings: out.warnings };
}

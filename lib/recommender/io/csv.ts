import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

/** One CSV record with the 1-based line it starts on (header is line 1). */
export interface CsvRow {
  line: number;
  record: Record<string, string>;
}

/**
 * Reads a small RFC 4180 CSV file with a header row (csv-parse; quoted commas, quotes and
 * newlines). Rows with the wrong number of columns throw with their line; use only for files
 * that fit comfortably in memory (metadata, not ratings).
 */
export function readCsv(path: string, encoding: BufferEncoding = 'utf8'): CsvRow[] {
  const text = readFileSync(path, encoding);
  // on_record reads the line counter from the parser context instead of `info: true`, which copies
  // an info object per record (most of the parse time and garbage on the TMDB files).
  let prevEnd = 1;
  return parse(text, {
    columns: true,
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    on_record: (record: Record<string, string>, context: { lines: number }) => {
      const row: CsvRow = { line: prevEnd + 1, record };
      prevEnd = context.lines;
      return row;
    },
  }) as CsvRow[];
}

/** Empty or whitespace-only → null, otherwise the trimmed string. */
export function emptyToNull(s: string | undefined): string | null {
  if (s === undefined) return null;
  const t = s.trim();
  return t === '' ? null : t;
}

/** Parses a number; empty → null; non-numeric → NaN (the caller reports it). */
export function numberOrNull(s: string | undefined): number | null {
  const t = emptyToNull(s);
  if (t === null) return null;
  return Number(t);
}

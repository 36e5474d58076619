import { parse } from 'csv-parse/sync';

export interface CsvRecord {
  /** 1-based line where the record starts. */
  line: number;
  cells: string[];
}

export interface CsvReadResult {
  records: CsvRecord[];
  problems: { line: number; reason: string }[];
}

/**
 * Bytes → text. UTF-8 (a BOM is dropped); a file that is not valid UTF-8 (an export re-saved by a spreadsheet as
 * Windows-1252, say) is read as Windows-1252 so accented titles still match, and the caller is told.
 */
export function decodeText(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'utf-16' | 'windows-1252' } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16' };
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return { text, encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252' };
  }
}

/**
 * CSV text → records with their starting line numbers. Quoted commas and newlines are fields as usual; a stray quote
 * inside a field is kept as text; a quote that is never closed costs only its own line (reported), and reading
 * resumes on the next line instead of swallowing the rest of the file.
 */
export function readCsv(text: string, firstLine = 1): CsvReadResult {
  const records: CsvRecord[] = [];
  const problems: { line: number; reason: string }[] = [];
  let rest = text.replace(/^\uFEFF/, '');
  let offset = firstLine - 1;
  for (;;) {
    let unclosed = false;
    let lastEnd = offset;
    const rows = parse(rest, {
      info: true,
      relax_quotes: true,
      relax_column_count: true,
      skip_records_with_error: true,
      on_skip: (err) => {
        if (err?.code === 'CSV_QUOTE_NOT_CLOSED') unclosed = true;
        else problems.push({ line: offset + Number(err?.lines ?? 0), reason: err?.message ?? 'unreadable row' });
      },
    }) as unknown as { record: string[]; info: { lines: number } }[];
    for (const r of rows) {
      const end = offset + r.info.lines;
      // A record starts on the line after the previous one ended (blank lines come through as one empty cell).
      records.push({ line: lastEnd + 1, cells: r.record });
      lastEnd = end;
    }
    if (!unclosed) break;
    const startLine = lastEnd + 1;
    problems.push({ line: startLine, reason: 'a quote opened on this line is never closed' });
    // Resume after the line holding the unclosed quote.
    const lines = rest.split(/\r\n|\n|\r/);
    const skip = startLine - offset;
    if (skip >= lines.length) break;
    rest = lines.slice(skip).join('\n');
    offset = startLine;
  }
  return { records, problems };
}

export function isBlank(r: CsvRecord): boolean {
  return r.cells.every((c) => c.trim() === '');
}

const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell, quoted when needed; a cell a spreadsheet would run as a formula gets a leading apostrophe. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (typeof value === 'string' && FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: (string | number | null | undefined)[]): string {
  return cells.map(csvCell).join(',');
}

// Rejected rows of a catalogue dry run as CSV (client-safe, pure).
export const REJECTS_CSV_HEADER = 'file,line,reason\r\n';

/** Data lines (CRLF-terminated) for `issues`, without the header: the route streams them page by page. */
export function rejectsCsvRows(issues: readonly { file: string; line: number; message: string }[]): string {
  const cell = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  let out = '';
  for (const i of issues) out += `${cell(i.file)},${i.line || ''},${cell(i.message)}\r\n`;
  return out;
}

export function rejectsCsv(issues: readonly { file: string; line: number; message: string }[]): string {
  return REJECTS_CSV_HEADER + rejectsCsvRows(issues);
}

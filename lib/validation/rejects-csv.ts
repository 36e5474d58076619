// Rejected rows of a catalogue dry run as CSV (client-safe, pure).
export function rejectsCsv(issues: readonly { file: string; line: number; message: string }[]): string {
  const cell = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return (
    ['file,line,reason', ...issues.map((i) => `${cell(i.file)},${i.line || ''},${cell(i.message)}`)].join('\r\n') +
    '\r\n'
  );
}

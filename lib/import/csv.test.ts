import { describe, expect, it } from 'vitest';
import { csvCell, csvLine, decodeText, readCsv } from './csv';

describe('readCsv', () => {
  it('gives each record the line it starts on, with quoted commas and newlines inside one field', () => {
    const { records, problems } = readCsv('a,b\n1,"x, y"\n2,"two\nlines"\n3,z\n');
    expect(problems).toEqual([]);
    expect(records.map((r) => [r.line, r.cells])).toEqual([
      [1, ['a', 'b']],
      [2, ['1', 'x, y']],
      [3, ['2', 'two\nlines']],
      [5, ['3', 'z']],
    ]);
  });

  it('reports a never-closed quote on its own line and keeps reading the lines after it', () => {
    const { records, problems } = readCsv('a,b\n1,ok\n2,"broken\n3,fine\n');
    expect(problems).toEqual([{ line: 3, reason: 'a quote opened on this line is never closed' }]);
    expect(records.map((r) => [r.line, r.cells[0]])).toEqual([
      [1, 'a'],
      [2, '1'],
      [4, '3'],
    ]);
  });

  it('reads Windows line endings and drops a BOM', () => {
    const { text } = decodeText(
      new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('Date,Name\r\n1,x\r\n')]),
    );
    const { records } = readCsv(text);
    expect(records[0].cells).toEqual(['Date', 'Name']);
    expect(records[1]).toEqual({ line: 2, cells: ['1', 'x'] });
  });
});

describe('decodeText', () => {
  it('reads a Windows-1252 file (not valid UTF-8) with its accents intact and says so', () => {
    const bytes = new Uint8Array([0x41, 0x6d, 0xe9, 0x6c, 0x69, 0x65]); // "Amélie" in Windows-1252
    expect(decodeText(bytes)).toEqual({ text: 'Amélie', encoding: 'windows-1252' });
  });
  it('reads UTF-16 with a BOM', () => {
    const bytes = new Uint8Array([0xff, 0xfe, 0x41, 0x00, 0xe9, 0x00]);
    expect(decodeText(bytes)).toEqual({ text: 'Aé', encoding: 'utf-16' });
  });
});

describe('csvCell', () => {
  it.each([
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['+1', "'+1"],
    ['-Ism', "'-Ism"],
    ['@here', "'@here"],
    ['Salt, Smoke', '"Salt, Smoke"'],
    ['plain', 'plain'],
  ])('writes %s as %s', (input, out) => expect(csvCell(input)).toBe(out));
  it('leaves numbers (a negative number is data, not a formula) alone', () => {
    expect(csvLine([-1, 2.5, null, 'a'])).toBe('-1,2.5,,a');
  });
});

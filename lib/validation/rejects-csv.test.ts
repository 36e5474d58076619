import { describe, expect, it } from 'vitest';
import { rejectsCsv } from './rejects-csv';

describe('rejectsCsv', () => {
  it('quotes reasons holding commas and quotes, and leaves an unknown line empty', () => {
    expect(
      rejectsCsv([
        { file: 'movies.csv', line: 7, message: 'bad movieId "x", skipped' },
        { file: 'movies.csv', line: 0, message: 'listed twice' },
      ]),
    ).toBe('file,line,reason\r\nmovies.csv,7,"bad movieId ""x"", skipped"\r\nmovies.csv,,listed twice\r\n');
  });
});

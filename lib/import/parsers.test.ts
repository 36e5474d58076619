import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ImportFileError, parseHistoryFile } from './parsers';
import { zipFolder } from './test-helpers';

const FIXTURES = resolve('tests', 'fixtures', 'imports');
const fixture = (name: string) => new Uint8Array(readFileSync(resolve(FIXTURES, name)));
const text = (s: string) => new TextEncoder().encode(s);
const brief = (rows: { kind: string; title: string; year: number | null; rating?: number; date?: string }[]) =>
  rows.map((r) => `${r.kind}:${r.title}:${r.year}:${r.rating ?? ''}:${r.date ?? ''}`);

describe('Letterboxd export zip', () => {
  const parsed = parseHistoryFile('letterboxd.zip', zipFolder(resolve(FIXTURES, 'letterboxd')));

  it('reads ratings, watches with their dates, the watchlist, likes and lists', () => {
    expect(parsed.source).toBe('letterboxd');
    const byKind = (k: string) => parsed.rows.filter((r) => r.kind === k);
    expect(brief(byKind('rating'))).toEqual([
      'rating:The Lantern Keeper:1994:4.5:2021-03-04',
      'rating:Salt, Smoke and Mirrors:2003:3:2021-03-05',
      'rating:Nowhere Film That Does Not Exist:2001:2.5:2021-04-02',
    ]);
    // Diary entries carry the watched date; watched.csv adds only films the diary does not have.
    expect(brief(byKind('watch'))).toEqual([
      'watch:The Lantern Keeper:1994:4.5:2021-03-03',
      'watch:The Lantern Keeper:1994:4.5:2021-05-09',
      'watch:Salt, Smoke and Mirrors:2003:3:2021-03-05',
      'watch:Harbor Lights:1987::2021-06-01',
    ]);
    expect(byKind('watch')[1].rewatch).toBe(true);
    expect(brief(byKind('watchlist'))).toEqual(['watchlist:Orbit of Small Things:2011::2022-01-15']);
    expect(brief(byKind('like'))).toEqual(['like:Salt, Smoke and Mirrors:2003::2021-03-06']);
  });

  it('turns each list into a list with its name, description and films in order (notes may span lines)', () => {
    expect(parsed.lists).toEqual([
      { name: 'Rainy day films', description: 'For grey afternoons, with tea', file: 'lists/rainy-day-films.csv' },
    ]);
    const items = parsed.rows.filter((r) => r.kind === 'list');
    expect(items.map((r) => [r.position, r.title, r.line])).toEqual([
      [1, 'Harbor Lights', 6],
      [2, 'The Lantern Keeper', 7],
      [3, 'Salt Smoke and Mirrors', 9],
    ]);
    expect(items[1].note).toBe('Best with the lights off,\nhonestly');
  });

  it('reports an out-of-range rating with its file and line, and says which files it skipped', () => {
    expect(parsed.malformed).toEqual([
      { file: 'ratings.csv', line: 4, reason: 'rating "7" is not between 0.5 and 5 in half stars' },
    ]);
    expect(parsed.warnings).toContain('profile.csv: not imported (Reel has no place for it yet)');
  });

  it('reads one CSV of the export alone (the diary gives ratings when ratings.csv is absent)', () => {
    const diary = parseHistoryFile('diary.csv', fixture('letterboxd/diary.csv'));
    expect(brief(diary.rows.filter((r) => r.kind === 'rating'))).toEqual([
      'rating:The Lantern Keeper:1994:4.5:2021-05-09',
      'rating:Salt, Smoke and Mirrors:2003:3:2021-03-05',
    ]);
    const likes = parseHistoryFile('films.csv', fixture('letterboxd/likes/films.csv'));
    expect(likes.rows.map((r) => r.kind)).toEqual(['like']);
    const list = parseHistoryFile('rainy-day-films.csv', fixture('letterboxd/lists/rainy-day-films.csv'));
    expect(list.lists[0].name).toBe('Rainy day films');
    expect(list.rows).toHaveLength(3);
  });
});

describe('malformed rows: line numbers and reasons, the rest still imported', () => {
  it.each([
    [
      'missing rating',
      'Date,Name,Year,Letterboxd URI,Rating\n2021-01-01,Heat,1995,,\n2021-01-02,Fargo,1996,,4\n',
      { line: 2, reason: 'no rating' },
    ],
    [
      'quarter stars',
      'Date,Name,Year,Letterboxd URI,Rating\n2021-01-01,Heat,1995,,3.25\n2021-01-02,Fargo,1996,,4\n',
      { line: 2, reason: 'rating "3.25" is not between 0.5 and 5 in half stars' },
    ],
    [
      'zero',
      'Date,Name,Year,Letterboxd URI,Rating\n2021-01-01,Heat,1995,,0\n2021-01-02,Fargo,1996,,4\n',
      { line: 2, reason: 'rating "0" is not between 0.5 and 5 in half stars' },
    ],
    [
      'an unquoted comma',
      'Date,Name,Year,Letterboxd URI,Rating\n2021-01-01,Salt, Smoke,2003,,3\n2021-01-02,Fargo,1996,,4\n',
      { line: 2, reason: '6 fields where the header has 5 (an unquoted comma?)' },
    ],
    [
      'a bad date',
      'Date,Name,Year,Letterboxd URI,Rating\n2021-02-30,Heat,1995,,3\n2021-01-02,Fargo,1996,,4\n',
      { line: 2, reason: 'date "2021-02-30" is not a date (YYYY-MM-DD)' },
    ],
    [
      'a bad year',
      'Date,Name,Year,Letterboxd URI,Rating\n2021-01-01,Heat,95,,3\n2021-01-02,Fargo,1996,,4\n',
      { line: 2, reason: 'year "95" is not a year' },
    ],
    [
      'an unclosed quote',
      'Date,Name,Year,Letterboxd URI,Rating\n2021-01-01,"Heat,1995,,3\n2021-01-02,Fargo,1996,,4\n',
      { line: 2, reason: 'a quote opened on this line is never closed' },
    ],
  ])('%s', (_label, csv, problem) => {
    const parsed = parseHistoryFile('ratings.csv', text(csv));
    expect(parsed.malformed).toEqual([{ file: 'ratings.csv', ...problem }]);
    expect(parsed.rows.map((r) => r.title)).toEqual(['Fargo']);
  });

  it('reads a BOM, CRLF and quoted commas and newlines in titles', () => {
    const csv =
      '\uFEFFDate,Name,Year,Letterboxd URI,Rating\r\n2021-01-01,"Salt, Smoke and Mirrors",2003,,3\r\n2021-01-02,"Two\r\nLines",1996,,4\r\n';
    const parsed = parseHistoryFile('ratings.csv', text(csv));
    expect(parsed.malformed).toEqual([]);
    expect(parsed.rows.map((r) => [r.line, r.title])).toEqual([
      [2, 'Salt, Smoke and Mirrors'],
      [3, 'Two\r\nLines'],
    ]);
  });

  it('reads a Windows-1252 file and warns about the encoding', () => {
    const bytes = new Uint8Array([
      ...text('Date,Name,Year,Letterboxd URI,Rating\n2021-01-01,Am'),
      0xe9,
      ...text('lie,2001,,4\n'),
    ]);
    const parsed = parseHistoryFile('ratings.csv', bytes);
    expect(parsed.rows[0].title).toBe('Amélie');
    expect(parsed.warnings).toEqual([
      'ratings.csv: not UTF-8; read as Windows-1252 (check accented titles in the preview)',
    ]);
  });

  it('imports known columns and names the unknown ones it ignored', () => {
    const parsed = parseHistoryFile(
      'ratings.csv',
      text('Date,Name,Year,Letterboxd URI,Rating,Mood\n2021-01-01,Heat,1995,,4,tense\n'),
    );
    expect(parsed.rows).toHaveLength(1);
    expect(parsed.warnings).toEqual(['ratings.csv: unknown column "mood" ignored']);
  });

  it('refuses a file that is no known export, saying what to upload', () => {
    expect(() => parseHistoryFile('x.csv', text('foo,bar\n1,2\n'))).toThrow(ImportFileError);
    expect(() => parseHistoryFile('x.csv', text('foo,bar\n1,2\n'))).toThrow(
      /not a Letterboxd, IMDb or MovieLens export/,
    );
    expect(() => parseHistoryFile('x.csv', text(''))).toThrow(/empty/);
    expect(() => parseHistoryFile('x.zip', zipSync({ 'a.txt': text('hi') }))).toThrow(
      /no Letterboxd, IMDb or MovieLens CSV/,
    );
    expect(() => parseHistoryFile('x.zip', new Uint8Array([0x50, 0x4b, 1, 2, 3]))).toThrow(/could not be opened/);
  });
});

describe('IMDb exports', () => {
  it('turns 1–10 ratings into half stars and keeps the IMDb id and date', () => {
    const parsed = parseHistoryFile('ratings.csv', fixture('imdb-ratings.csv'));
    expect(parsed.source).toBe('imdb');
    expect(parsed.rows.map((r) => [r.imdbId, r.rating, r.date, r.title, r.year])).toEqual([
      [900001, 5, '2020-05-01', 'The Lantern Keeper', 1994],
      [900002, 3.5, '2020-05-02', 'Salt, Smoke and Mirrors', 2003],
      [999999, 0.5, '2020-05-03', 'Unknown Thing', 2010],
    ]);
    expect(parsed.malformed).toEqual([
      { file: 'ratings.csv', line: 5, reason: 'rating "11" is not a whole number from 1 to 10' },
    ]);
  });

  it('reads the watchlist export', () => {
    const parsed = parseHistoryFile('WATCHLIST.csv', fixture('imdb-watchlist.csv'));
    expect(parsed.rows).toMatchObject([
      { kind: 'watchlist', imdbId: 900004, title: 'Harbor Lights', year: 1987, date: '2023-01-02' },
    ]);
  });
});

describe('MovieLens.org ratings export', () => {
  it('keeps the MovieLens, IMDb and TMDB ids and splits the year off the title', () => {
    const parsed = parseHistoryFile('movielens-ratings.csv', fixture('movielens-ratings.csv'));
    expect(parsed.source).toBe('movielens');
    expect(parsed.rows.map((r) => [r.movieId, r.imdbId, r.tmdbId, r.rating, r.title, r.year])).toEqual([
      [1, 900001, 90001, 4, 'The Lantern Keeper', 1994],
      [2, 900002, 90002, 2.5, 'Salt, Smoke and Mirrors', 2003],
    ]);
    expect(parsed.malformed).toEqual([
      { file: 'movielens-ratings.csv', line: 4, reason: 'rating "6.0" is not between 0.5 and 5 in half stars' },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import {
  buildCatalogueIndex,
  letterboxdTitle,
  mainTitle,
  matchRow,
  normalizeTitle,
  titleAliases,
  type CatalogueMovie,
} from './match';

const catalogue: CatalogueMovie[] = [
  { id: 1, title: 'Passenger, The', year: 1975, imdbId: '0073580', tmdbId: 1001 },
  { id: 2, title: 'Matrix, The', year: 1999, imdbId: '0133093', tmdbId: 603 },
  { id: 3, title: "Amélie (Fabuleux destin d'Amélie Poulain, Le)", year: 2001, imdbId: '0211915', tmdbId: 194 },
  { id: 4, title: 'War of the Worlds', year: 2005, imdbId: '0407304', tmdbId: 74 },
  { id: 5, title: 'War of the Worlds', year: 2005, imdbId: '0449040', tmdbId: 75 },
  {
    id: 6,
    title: 'Good, the Bad and the Ugly, The (Buono, il brutto, il cattivo, Il)',
    year: 1966,
    imdbId: '0060196',
    tmdbId: 429,
  },
  { id: 7, title: 'Se7en (a.k.a. Seven)', year: 1995, imdbId: '0114369', tmdbId: 807 },
  { id: 8, title: 'Æon Flux', year: 2005, imdbId: null, tmdbId: null },
  { id: 9, title: 'Crouching Tiger, Hidden Dragon (Wo hu cang long)', year: 2000, imdbId: null, tmdbId: null },
  { id: 10, title: 'Batman & Robin', year: 1997, imdbId: null, tmdbId: null },
  { id: 11, title: 'Dracula', year: 1931, imdbId: null, tmdbId: null },
  { id: 12, title: 'Dracula', year: 1992, imdbId: null, tmdbId: null },
  { id: 13, title: 'Lantern, A', year: 2010, imdbId: null, tmdbId: null },
  { id: 14, title: 'Babylon 5', year: null, imdbId: null, tmdbId: null },
  { id: 15, title: 'Dracula', year: 1979, imdbId: null, tmdbId: null },
  { id: 16, title: 'Dracula', year: 1980, imdbId: null, tmdbId: null },
];
const index = buildCatalogueIndex(catalogue);
const film = (
  title: string,
  year: number | null,
  ids: { imdbId?: number; tmdbId?: number; movieId?: number } = {},
) => ({ title, year, ...ids });

describe('normalizeTitle', () => {
  it.each([
    ['The Passenger', 'passenger'],
    ['Passenger, The', 'passenger'],
    ['  THE   passenger!! ', 'passenger'],
    ['Amélie', 'amelie'],
    ['Æon Flux', 'aeon flux'],
    ['Batman & Robin', 'batman and robin'],
    ['Schindler’s List', 'schindler s list'],
    ["L'Avventura", 'avventura'],
    ["Avventura, L'", 'avventura'],
    ['A Lantern', 'lantern'],
    ['Lantern, A', 'lantern'],
    ['Thelma & Louise', 'thelma and louise'],
    ['Anatomy of a Murder', 'anatomy of a murder'],
  ])('%s → %s', (raw, out) => expect(normalizeTitle(raw)).toBe(out));
});

describe('titleAliases and export titles', () => {
  it('knows every name a MovieLens title goes by', () => {
    expect(titleAliases('Se7en (a.k.a. Seven)')).toEqual(['Se7en (a.k.a. Seven)', 'Se7en', 'Seven']);
    expect(mainTitle('Good, the Bad and the Ugly, The (Buono, il brutto, il cattivo, Il)')).toBe(
      'Good, the Bad and the Ugly, The',
    );
  });
  it.each([
    ['Matrix, The', 'The Matrix'],
    ['Good, the Bad and the Ugly, The (Buono, il brutto, il cattivo, Il)', 'The Good, the Bad and the Ugly'],
    ["Avventura, L'", "L'Avventura"],
    ['Heat', 'Heat'],
  ])('writes %s as %s', (title, out) => expect(letterboxdTitle(title)).toBe(out));
});

describe('matchRow: a table of awkward titles', () => {
  it.each([
    ['article moved to the front', film('The Passenger', 1975), { status: 'matched', movieId: 1 }],
    ['article already at the end', film('Passenger, The', 1975), { status: 'matched', movieId: 1 }],
    ['case and punctuation', film('the matrix.', 1999), { status: 'matched', movieId: 2 }],
    ['diacritics and an alternate title', film('Amelie', 2001), { status: 'matched', movieId: 3 }],
    [
      'the original-language alternate title',
      film("Le fabuleux destin d'Amélie Poulain", 2001),
      { status: 'matched', movieId: 3 },
    ],
    ['a.k.a. title', film('Seven', 1995), { status: 'matched', movieId: 7 }],
    [
      'commas in the title, article at the end with an alternate',
      film('The Good, the Bad and the Ugly', 1966),
      { status: 'matched', movieId: 6 },
    ],
    ['ligature', film('Aeon Flux', 2005), { status: 'matched', movieId: 8 }],
    ['ampersand written out', film('Batman and Robin', 1997), { status: 'matched', movieId: 10 }],
    [
      'year one off (festival vs release)',
      film('Crouching Tiger, Hidden Dragon', 2001),
      { status: 'matched', movieId: 9, by: 'title±1' },
    ],
    ['the exact year wins over ± 1', film('Dracula', 1979), { status: 'matched', movieId: 15, by: 'title' }],
    ['one year off, one film there', film('Dracula', 1930), { status: 'matched', movieId: 11, by: 'title±1' }],
    [
      'same title and year twice → ambiguous',
      film('War of the Worlds', 2005),
      { status: 'ambiguous', candidates: [4, 5] },
    ],
    [
      'IMDb id settles what the title cannot',
      film('War of the Worlds', 2005, { imdbId: 449040 }),
      { status: 'matched', movieId: 5, by: 'imdb' },
    ],
    ['TMDB id', film('Anything', 2005, { tmdbId: 74 }), { status: 'matched', movieId: 4, by: 'tmdb' }],
    [
      'no year: several remakes → ambiguous',
      film('Dracula', null),
      { status: 'ambiguous', candidates: [11, 12, 15, 16] },
    ],
    ['title known, year far off → unmatched', film('The Matrix', 2021), { status: 'unmatched' }],
    ['unknown title', film('Nothing Like It', 1999), { status: 'unmatched' }],
    ['catalogue without a year', film('Babylon 5', 1994), { status: 'matched', movieId: 14 }],
    [
      'catalogue id confirmed by the title',
      film('The Matrix', 1999, { movieId: 2 }),
      { status: 'matched', movieId: 2, by: 'id' },
    ],
    [
      'catalogue id with another title is not trusted',
      film('The Passenger', 1975, { movieId: 2 }),
      { status: 'matched', movieId: 1, by: 'title' },
    ],
  ])('%s', (_label, row, expected) => {
    expect(matchRow(row, index)).toMatchObject(expected);
  });

  it('prefers ± 1 year candidates in both directions and calls two of them ambiguous', () => {
    // 1980 and 1979 both exist; asking for 1981 finds only 1980, asking for 1978 finds only 1979.
    expect(matchRow(film('Dracula', 1981), index)).toMatchObject({ status: 'matched', movieId: 16 });
    expect(matchRow(film('Dracula', 1978), index)).toMatchObject({ status: 'matched', movieId: 15 });
    const two = buildCatalogueIndex([
      { id: 1, title: 'Twin', year: 2000, imdbId: null, tmdbId: null },
      { id: 2, title: 'Twin', year: 2002, imdbId: null, tmdbId: null },
    ]);
    expect(matchRow(film('Twin', 2001), two)).toEqual({ status: 'ambiguous', candidates: [1, 2] });
  });
});

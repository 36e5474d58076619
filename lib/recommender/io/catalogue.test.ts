import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalogue, movieLensGenres } from './catalogue';
import { loadMl100kItems, splitTitleYear } from './movielens';

function fixture(): string {
  const root = mkdtempSync(join(tmpdir(), 'reel-cat-'));
  const ml = join(root, 'movielens', 'ml-latest-small');
  const tm = join(root, 'tmdb');
  mkdirSync(ml, { recursive: true });
  mkdirSync(tm, { recursive: true });
  writeFileSync(
    join(ml, 'movies.csv'),
    [
      'movieId,title,genres',
      '1,Toy Story (1995),Adventure|Animation',
      '11,"American President, The (1995)",Comedy|Drama|Romance',
      '12,"Film ""Quoted"" Title (2001)",(no genres listed)',
      'x,Broken (1990),Drama',
      '13,Babylon 5,Sci-Fi',
    ].join('\n'),
  );
  writeFileSync(
    join(ml, 'links.csv'),
    ['movieId,imdbId,tmdbId', '1,0114709,862', '11,0112346,9087', '12,0000001,555', '13,0105946,'].join('\n'),
  );
  writeFileSync(join(ml, 'tags.csv'), ['userId,movieId,tag,timestamp', '2,1,"funny, very",1445714994'].join('\n'));
  writeFileSync(
    join(tm, 'movies_metadata.csv'),
    [
      'adult,genres,id,original_language,overview,popularity,poster_path,release_date,runtime,title,vote_average,vote_count',
      `,"[{'id':16,'name':'Animation'}]",862,en,"Woody, Andy's toy.",21.947,/p.jpg,1995-10-30,81.0,Toy Story,7.7,5415`,
      `,"[{'id':18,'name':'Drama'},{'id':10749,'name':'Romance'},{'id':878,'name':'Science Fiction'},{'id':10751,'name':'Family'}]",555,fr,,,,,,Quoted,,`,
      `,"[{'id':1,'name':'Broken'",9087,en,,,,,,Pres,,`,
    ].join('\n'),
  );
  writeFileSync(
    join(tm, 'credits.csv'),
    [
      'cast,crew,id',
      `"[{'name': 'Tim Allen', 'order': 1}, {'name': 'Tom Hanks', 'order': 0}]","[{'department': 'Directing', 'job': 'Director', 'name': 'John Lasseter'}, {'job': 'Writer', 'name': 'W'}]",862`,
    ].join('\n'),
  );
  writeFileSync(
    join(tm, 'keywords.csv'),
    ['id,keywords', `862,"[{'id': 1, 'name': ""children's toy""}, {'id': 2, 'name': 'Ōkami'}]"`, '555,[]'].join('\n'),
  );
  return root;
}

describe('movieLensGenres', () => {
  it('renames the TMDB genres MovieLens has under another name, keeps the rest, drops duplicates', () => {
    expect(movieLensGenres(['Science Fiction', 'Family', 'Music', 'History', 'TV Movie', 'Drama'])).toEqual([
      'Sci-Fi',
      'Children',
      'Musical',
      'History',
      'TV Movie',
      'Drama',
    ]);
    expect(movieLensGenres(['Sci-Fi', 'Science Fiction'])).toEqual(['Sci-Fi']);
  });
});

describe('splitTitleYear', () => {
  it('splits a trailing year and keeps titles without one', () => {
    expect(splitTitleYear('Toy Story (1995)')).toEqual({ title: 'Toy Story', year: 1995 });
    expect(splitTitleYear('Babylon 5')).toEqual({ title: 'Babylon 5', year: null });
    expect(splitTitleYear('Cosmos (1980– )')).toEqual({ title: 'Cosmos', year: 1980 });
    expect(splitTitleYear('1984 (1956)')).toEqual({ title: '1984', year: 1956 });
  });
});

describe('loadCatalogue', () => {
  it('joins MovieLens and TMDB, keeping movies without TMDB rows and reporting bad lines', () => {
    const dir = fixture();
    const c = loadCatalogue(dir);
    expect(c.movies.map((m) => m.movieId)).toEqual([1, 11, 12, 13]);
    const toy = c.movies[0];
    expect(toy).toMatchObject({
      title: 'Toy Story',
      year: 1995,
      genres: ['Adventure', 'Animation'],
      imdbId: '0114709',
      tmdbId: 862,
      overview: "Woody, Andy's toy.",
      runtime: 81,
      releaseDate: '1995-10-30',
      originalLanguage: 'en',
      popularity: 21.947,
      voteAverage: 7.7,
      voteCount: 5415,
      posterPath: '/p.jpg',
      directors: ['John Lasseter'],
      keywords: ["children's toy", 'Ōkami'],
    });
    expect(toy.cast).toEqual([
      { name: 'Tom Hanks', order: 0 },
      { name: 'Tim Allen', order: 1 },
    ]);
    expect(c.movies[1].title).toBe('American President, The');
    // no MovieLens genres → TMDB genres (as published unless asked for MovieLens's names); empty cells → null
    expect(c.movies[2]).toMatchObject({
      title: 'Film "Quoted" Title',
      genres: ['Drama', 'Romance', 'Science Fiction', 'Family'],
      overview: null,
      runtime: null,
    });
    const named = loadCatalogue(dir, { tmdbGenres: 'movielens' });
    expect(named.movies[2].genres).toEqual(['Drama', 'Romance', 'Sci-Fi', 'Children']);
    expect(named.movies[0].genres).toEqual(c.movies[0].genres); // MovieLens's own genres are never renamed
    expect(c.movies[3]).toMatchObject({ title: 'Babylon 5', year: null, tmdbId: null, overview: null, cast: [] });
    expect(c.tags).toEqual([{ userId: 2, movieId: 1, tag: 'funny, very', timestamp: 1445714994 }]);
    const lines = c.issues.map((i) => `${i.file}:${i.line}`);
    expect(lines).toContain('movies.csv:5');
    expect(lines).toContain('movies_metadata.csv:4');
  });
});

const DATA_DIR = process.env.DATA_DIR ?? join(process.cwd(), '..', 'shared', 'data');
const ML100K = join(DATA_DIR, 'movielens', 'ml-100k');

describe('loadMl100kItems', () => {
  it.skipIf(!existsSync(join(ML100K, 'u.item')))('decodes latin-1 titles and genre flags in u.genre order', () => {
    const r = loadMl100kItems(ML100K);
    expect(r.movies.length).toBe(1682);
    expect(r.issueCount).toBe(0);
    expect(r.movies[0]).toMatchObject({
      movieId: 1,
      title: 'Toy Story',
      year: 1995,
      genres: ['Animation', "Children's", 'Comedy'],
    });
    expect(r.movies.find((m) => m.movieId === 543)?.title).toBe('Misérables, Les');
  });
});

// Search ranking on a real PostgreSQL with the search_trigram migration (pg_trgm + unaccent, GIN indexes), and the
// title table: what the data layer hands to every page for catalogue titles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../lib/server/db';
import { findPersonByName, searchCatalogue } from '../../lib/server/data/search';
import { GET as peopleRoute } from '../../app/api/people/route';
import { getMovie, getMovieCards } from '../../lib/server/data/movies';
import { sql, uniqueMovieId } from './helpers';

// Catalogue titles with the rating counts that decide ties (the real ml-latest-small counts, roughly).
const CATALOGUE: [title: string, ratings: number][] = [
  ['Godfather, The', 192],
  ['Godfather: Part II, The', 129],
  ['Godfather: Part III, The', 50],
  ['Godfather Trilogy: 1972-1990, The', 2],
  ['Matrix, The', 278],
  ['Matrix Reloaded, The', 57],
  ['Matrix Revolutions, The', 48],
  ['Shawshank Redemption, The', 317],
  ['City of Lost Children, The (Cité des enfants perdus, La)', 19],
  ["Amélie (Fabuleux destin d'Amélie Poulain, Le)", 120],
  ['Hate (Haine, La)', 12],
  // Obscure titles that share words, to make popularity and similarity matter.
  ['Godfather of Harlem Nights', 1],
  ['Redemption Road', 1],
];

const ids = new Map<string, number>();
let personIds: { villeneuve: number; villanueva: number };

beforeAll(async () => {
  for (const [title, ratings] of CATALOGUE) {
    const id = uniqueMovieId();
    ids.set(title, id);
    await sql(`INSERT INTO "Movie" (id, title, "ratingCount", "updatedAt") VALUES ($1, $2, $3, now())`, [
      id,
      title,
      ratings,
    ]);
  }
  const [a] = await sql<{ id: number }>(
    `INSERT INTO "Person" (name) VALUES ('Dénis Villeneuve Searchtest') RETURNING id`,
  );
  const [b] = await sql<{ id: number }>(
    `INSERT INTO "Person" (name) VALUES ('Denise Villanueva Searchtest') RETURNING id`,
  );
  personIds = { villeneuve: a.id, villanueva: b.id };
  // The better-known person has credits on rated films.
  await sql(
    `INSERT INTO "Credit" ("movieId", "personId", kind, job) VALUES ($1, $2, 'CREW', 'Director'), ($3, $2, 'CREW', 'Director')`,
    [ids.get('Matrix, The'), a.id, ids.get('Shawshank Redemption, The')],
  );
});

afterAll(async () => {
  await sql(`DELETE FROM "Movie" WHERE id = ANY($1::int[])`, [[...ids.values()]]);
  await sql(`DELETE FROM "Person" WHERE id = ANY($1::int[])`, [[personIds.villeneuve, personIds.villanueva]]);
  await db.$disconnect();
});

/** Our titles among the results, in result order (other test files may have rows of their own). */
async function movieTitles(q: string, limit = 20): Promise<string[]> {
  const mine = new Map([...ids].map(([t, id]) => [id, t]));
  const { movies } = await searchCatalogue(q, { movies: limit, people: 0 });
  return movies.flatMap((m) => mine.get(m.id) ?? []);
}

describe('search ranking', () => {
  it('finds "the matrix" with the article in front, the film itself before its sequels', async () => {
    const found = await movieTitles('the matrix');
    expect(found[0]).toBe('Matrix, The');
    expect(found).toContain('Matrix Reloaded, The');
  });

  it('puts the exact title first even when a box set shares the words ("the godfather")', async () => {
    const found = await movieTitles('the godfather');
    expect(found[0]).toBe('Godfather, The');
    expect(found.indexOf('Godfather: Part II, The')).toBeLessThan(found.indexOf('Godfather Trilogy: 1972-1990, The'));
  });

  it('tolerates a typo ("godfater") and prefers the well-known film', async () => {
    const found = await movieTitles('godfater');
    expect(found[0]).toBe('Godfather, The');
    expect(found.indexOf('Godfather: Part II, The')).toBeLessThan(found.indexOf('Godfather of Harlem Nights'));
  });

  it('finds a film by one distinctive word ("shawshank") and by a partial word', async () => {
    expect((await movieTitles('shawshank'))[0]).toBe('Shawshank Redemption, The');
    expect((await movieTitles('shawshan'))[0]).toBe('Shawshank Redemption, The');
    const redemption = await movieTitles('redemption');
    expect(redemption.indexOf('Shawshank Redemption, The')).toBeLessThan(redemption.indexOf('Redemption Road'));
  });

  it('ignores accents and finds alternate (original-language) titles', async () => {
    expect((await movieTitles('amelie'))[0]).toBe("Amélie (Fabuleux destin d'Amélie Poulain, Le)");
    expect((await movieTitles('la haine'))[0]).toBe('Hate (Haine, La)');
    expect((await movieTitles('cite des enfants perdus'))[0]).toBe(
      'City of Lost Children, The (Cité des enfants perdus, La)',
    );
  });

  it('returns cards with display titles and nothing for a one-letter or nonsense query', async () => {
    const { movies } = await searchCatalogue('the matrix', { movies: 3, people: 0 });
    expect(movies[0]).toMatchObject({ id: ids.get('Matrix, The'), title: 'The Matrix' });
    expect(await searchCatalogue('x', { movies: 5, people: 5 })).toEqual({ movies: [], people: [] });
    expect(await movieTitles('qqqzzzxxwv')).toEqual([]);
  });

  it('finds people by name with typos and accents, the better-known first', async () => {
    const { people } = await searchCatalogue('denis villeneuve searchtest', { movies: 0, people: 10 });
    const mine = people.filter((p) => p.id === personIds.villeneuve || p.id === personIds.villanueva);
    expect(mine.map((p) => p.id)).toEqual([personIds.villeneuve, personIds.villanueva]);
    expect(mine[0]).toMatchObject({ name: 'Dénis Villeneuve Searchtest', films: 2 });
    const typo = await searchCatalogue('villneuve searchtest', { movies: 0, people: 10 });
    expect(typo.people[0]?.id).toBe(personIds.villeneuve);
  });

  it('lists no person whose name only looks a little like the query', async () => {
    const [weak] = await sql<{ id: number }>(`INSERT INTO "Person" (name) VALUES ('Robbie Amell') RETURNING id`);
    try {
      const { people } = await searchCatalogue('amelie', { movies: 5, people: 10 });
      expect(people.map((p) => p.id)).not.toContain(weak.id);
      expect((await searchCatalogue('robbie amel', { movies: 0, people: 10 })).people.map((p) => p.id)).toContain(
        weak.id,
      );
    } finally {
      await sql(`DELETE FROM "Person" WHERE id = $1`, [weak.id]);
    }
  });
});

describe("Browse's person field", () => {
  it('resolves a typed name, typo and all, to the best-matching person, and an unknown name to nobody', async () => {
    expect(await findPersonByName('villneuve searchtest')).toMatchObject({ id: personIds.villeneuve, films: 2 });
    expect(await findPersonByName('denise villanueva searchtest')).toMatchObject({ id: personIds.villanueva });
    expect(await findPersonByName('Zzyzx Qwertyuiop')).toBeNull();
    expect(await findPersonByName('a')).toBeNull();
  });

  it('suggests people from GET /api/people, and answers a bad query with an empty list', async () => {
    const get = async (q: string) => {
      const res = await peopleRoute(new Request(`http://localhost/api/people?q=${encodeURIComponent(q)}`), undefined);
      expect(res.status).toBe(200);
      return ((await res.json()) as { people: { id: number; name: string }[] }).people;
    };
    const hits = await get('villeneuve searcht');
    expect(hits[0]).toMatchObject({ id: personIds.villeneuve, name: 'Dénis Villeneuve Searchtest' });
    expect(await get('x'.repeat(500))).toEqual([]);
    expect(await get('')).toEqual([]);
  });
});

describe('display titles from the data layer', () => {
  // Catalogue title → what cards, headings and reasons show.
  const TABLE: [string, string][] = [
    ['Godfather, The', 'The Godfather'],
    ['Shawshank Redemption, The', 'The Shawshank Redemption'],
    ['City of Lost Children, The (Cité des enfants perdus, La)', 'The City of Lost Children'],
    ["Amélie (Fabuleux destin d'Amélie Poulain, Le)", 'Amélie'],
    ['Hate (Haine, La)', 'Hate'],
  ];

  it.each(TABLE)('card for %s reads %s', async (catalogue, display) => {
    const [card] = await getMovieCards([ids.get(catalogue)!]);
    expect(card.title).toBe(display);
  });

  it('keeps the alternate title on the movie page', async () => {
    const movie = await getMovie(ids.get('City of Lost Children, The (Cité des enfants perdus, La)')!);
    expect(movie.alsoKnownAs).toEqual(['La Cité des enfants perdus']);
    expect((await getMovie(ids.get("Amélie (Fabuleux destin d'Amélie Poulain, Le)")!)).alsoKnownAs).toEqual([
      "Le Fabuleux destin d'Amélie Poulain",
    ]);
  });
});

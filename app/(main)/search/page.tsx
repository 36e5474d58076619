import Link from 'next/link';
import type { Metadata } from 'next';
import { SearchQuery } from '@/lib/validation/search';
import { searchCatalogue } from '@/lib/server/data/search';
import { getCurrentUser } from '@/lib/server/auth';
import { MovieGrid } from '@/components/movie-grid';
import { getCardStates } from '@/lib/server/data/card-states';
import { plural } from '@/lib/ui/plural';

type SP = Promise<Record<string, string | string[] | undefined>>;

export async function generateMetadata({ searchParams }: { searchParams: SP }): Promise<Metadata> {
  const { q } = SearchQuery.parse({ q: (await searchParams).q });
  return { title: q ? `Search: ${q}` : 'Search' };
}

export default async function SearchPage({ searchParams }: { searchParams: SP }) {
  const { q } = SearchQuery.parse({ q: (await searchParams).q });
  const [user, result] = await Promise.all([
    getCurrentUser(),
    q ? searchCatalogue(q, { movies: 24, people: 8 }) : null,
  ]);
  const states =
    user && result
      ? await getCardStates(
          user.id,
          result.movies.map((m) => m.id),
        )
      : null;
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{q ? <>Results for “{q}”</> : 'Search'}</h1>
          {result && (
            <p className="muted" data-testid="search-summary">
              {plural(result.movies.length, 'movie')} and {plural(result.people.length, 'person', 'people')} found
            </p>
          )}
        </div>
      </div>
      <form className="toolbar" action="/search" role="search" aria-label="Search the catalogue">
        <label htmlFor="search-q" className="sr-only">
          Search movies and people
        </label>
        <input
          id="search-q"
          className="input"
          type="search"
          name="q"
          defaultValue={q}
          placeholder="A title or a name, e.g. the matrix"
        />
        <button className="btn btn-primary" type="submit">
          Search
        </button>
      </form>
      {!q ? (
        <div className="empty">Type a title or a person&apos;s name. Small typos are fine.</div>
      ) : result && result.movies.length === 0 && result.people.length === 0 ? (
        <div className="empty" data-testid="search-empty">
          Nothing found for “{q}”. Check the spelling of a longer word, or{' '}
          <Link href="/movies">browse by genre and year</Link>.
        </div>
      ) : (
        result && (
          <>
            {result.people.length > 0 && (
              <section aria-labelledby="people-h">
                <h2 id="people-h">People</h2>
                <ul className="people-list" data-testid="search-people">
                  {result.people.map((p) => (
                    <li key={p.id}>
                      <Link href={`/people/${p.id}`}>
                        <strong>{p.name}</strong>
                        <span className="muted small">{plural(p.films, 'film')}</span>
                      </Link>
                    </li>
                  ))}
                </ul>
              </section>
            )}
            {result.movies.length > 0 && (
              <section aria-labelledby="movies-h">
                <h2 id="movies-h">Movies</h2>
                <MovieGrid testId="search-movies" movies={result.movies} states={states} signedIn={!!user} />
              </section>
            )}
          </>
        )
      )}
    </>
  );
}

import Link from 'next/link';
import { GenreSelect } from '@/components/genre-select';
import { BrowseQuery } from '@/lib/validation/movies';
import { listGenres, listMovies } from '@/lib/server/data/movies';
import { MovieCard } from '@/components/movie-card';

export const metadata = { title: 'Browse movies' };

type SP = Promise<Record<string, string | string[] | undefined>>;

function href(q: { page?: number; genre?: string; q?: string; sort?: string }) {
  const p = new URLSearchParams();
  if (q.q) p.set('q', q.q);
  if (q.genre) p.set('genre', q.genre);
  if (q.sort && q.sort !== 'popular') p.set('sort', q.sort);
  if (q.page && q.page > 1) p.set('page', String(q.page));
  const s = p.toString();
  return s ? `/movies?${s}` : '/movies';
}

export default async function BrowsePage({ searchParams }: { searchParams: SP }) {
  const sp = await searchParams;
  const query = BrowseQuery.parse({ page: sp.page, genre: sp.genre, q: sp.q, sort: sp.sort });
  const [genres, result] = await Promise.all([listGenres(), listMovies(query)]);
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Browse movies</h1>
          <p className="muted">
            {result.total.toLocaleString('en')} movies{query.genre ? ` in ${query.genre}` : ''}
            {query.q ? ` matching “${query.q}”` : ''}
          </p>
        </div>
      </div>
      <form className="toolbar" action="/movies" role="search">
        <input
          className="input"
          name="q"
          placeholder="Search titles…"
          defaultValue={query.q}
          aria-label="Search titles"
        />
        <GenreSelect genres={genres} value={query.genre} />
        <select className="input" name="sort" defaultValue={query.sort} aria-label="Sort by">
          <option value="popular">Most rated</option>
          <option value="top">Highest rated</option>
          <option value="newest">Newest</option>
          <option value="title">Title A–Z</option>
        </select>
        <button className="btn btn-primary" type="submit">
          Apply
        </button>
      </form>
      {result.movies.length === 0 ? (
        <div className="empty">No movies match. Try another genre or search.</div>
      ) : (
        <div className="grid">
          {result.movies.map((m) => (
            <MovieCard key={m.id} {...m} />
          ))}
        </div>
      )}
      <nav className="pager" aria-label="Pages">
        {query.page > 1 && (
          <Link className="btn" href={href({ ...query, page: query.page - 1 })} rel="prev">
            ← Previous
          </Link>
        )}
        <span className="muted">
          Page {Math.min(query.page, result.pageCount)} of {result.pageCount}
        </span>
        {query.page < result.pageCount && (
          <Link className="btn" href={href({ ...query, page: query.page + 1 })} rel="next">
            Next →
          </Link>
        )}
      </nav>
    </>
  );
}

import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/server/auth';
import { listWatchlistEntries } from '@/lib/server/data/watchlist';
import { getMovieCards } from '@/lib/server/data/movies';
import { predictRatingsFor } from '@/lib/server/services/predictions';
import { likedAmong } from '@/lib/server/data/likes';
import { MovieGrid } from '@/components/movie-grid';
import { getCardStates } from '@/lib/server/data/card-states';
import { WatchlistCount } from '@/components/watchlist-count';

export const metadata = { title: 'Watchlist' };

const SORTS = {
  added: 'Date added',
  predicted: 'Predicted rating',
  runtime: 'Runtime',
  year: 'Year',
} as const;
type Sort = keyof typeof SORTS;

type SP = Promise<Record<string, string | string[] | undefined>>;

export default async function WatchlistPage({ searchParams }: { searchParams: SP }) {
  const user = await getCurrentUser();
  if (!user) redirect('/sign-in?callbackUrl=/watchlist');
  const sp = await searchParams;
  const sort: Sort = typeof sp.sort === 'string' && sp.sort in SORTS ? (sp.sort as Sort) : 'added';
  const asc = sp.dir === 'asc';
  const entries = await listWatchlistEntries(user.id);
  const ids = entries.map((e) => e.movieId);
  const [cards, predicted, liked, states] = await Promise.all([
    getMovieCards(ids),
    predictRatingsFor(user.id, ids),
    likedAmong(user.id, ids),
    getCardStates(user.id, ids),
  ]);
  const byId = new Map(cards.map((c) => [c.id, c]));
  // Missing values (no runtime, no prediction) always go last, whichever the direction.
  const key = (e: (typeof entries)[number]): number | null =>
    sort === 'added'
      ? e.addedAt.getTime()
      : sort === 'predicted'
        ? (predicted.get(e.movieId) ?? null)
        : sort === 'runtime'
          ? e.runtime
          : e.year;
  const sorted = entries
    .map((e, k) => ({ e, k, v: key(e) }))
    .sort((a, b) => {
      if (a.v === null || b.v === null) return a.v === b.v ? a.k - b.k : a.v === null ? 1 : -1;
      const d = asc ? a.v - b.v : b.v - a.v;
      return d || a.k - b.k;
    })
    .map((x) => x.e);
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Watchlist</h1>
          <WatchlistCount movieIds={sorted.map((e) => e.movieId).filter((id) => byId.has(id))} />
        </div>
        {entries.length > 1 && (
          <form className="toolbar" action="/watchlist" data-testid="watchlist-sort">
            <label className="muted small" htmlFor="watchlist-sort">
              Sort by
            </label>
            <select id="watchlist-sort" name="sort" className="input" defaultValue={sort}>
              {Object.entries(SORTS).map(([v, label]) => (
                <option key={v} value={v}>
                  {label}
                </option>
              ))}
            </select>
            <select name="dir" className="input" defaultValue={asc ? 'asc' : 'desc'} aria-label="Direction">
              <option value="desc">High to low / newest first</option>
              <option value="asc">Low to high / oldest first</option>
            </select>
            <button className="btn" type="submit">
              Sort
            </button>
          </form>
        )}
      </div>
      {entries.length === 0 ? (
        <div className="empty">
          Your watchlist is empty. Add movies with “+ Watchlist” on any card, or from{' '}
          <Link href="/for-you">For You</Link>.
        </div>
      ) : (
        <MovieGrid
          testId="watchlist"
          movies={sorted.flatMap((e) => {
            const m = byId.get(e.movieId);
            return m ? [{ ...m, predicted: predicted.get(m.id) ?? null, liked: liked.has(m.id) }] : [];
          })}
          states={states}
          signedIn
        />
      )}
    </>
  );
}

import Link from 'next/link';
import { GenreSelect } from '@/components/genre-select';
import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/server/auth';
import { getForYouFeed } from '@/lib/server/services/feed-cache';
import { countRatings } from '@/lib/server/data/ratings';
import { listGenres } from '@/lib/server/data/movies';
import { FeedQuery } from '@/lib/validation/feed';
import { FeedList } from './feed-list';
import { getCardStates } from '@/lib/server/data/card-states';

export const metadata = { title: 'For You' };

const FILTER_LABELS: Record<string, string> = { yearFrom: 'From year', yearTo: 'To year', diversity: 'Discovery', genre: 'Genre' };

type SP = Promise<Record<string, string | string[] | undefined>>;

export default async function ForYouPage({ searchParams }: { searchParams: SP }) {
  const user = await getCurrentUser();
  if (!user) redirect('/sign-in?callbackUrl=/for-you');
  const sp = await searchParams;
  const one = (v: string | string[] | undefined) => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
  const parsed = FeedQuery.safeParse({ genre: one(sp.genre), diversity: one(sp.diversity), yearFrom: one(sp.yearFrom), yearTo: one(sp.yearTo) });
  const query = parsed.success ? parsed.data : FeedQuery.parse({});
  const filterError = parsed.success
    ? null
    : parsed.error.issues.map((i) => `${FILTER_LABELS[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`).join('; ');
  const [{ page: feed }, nRatings, genres] = await Promise.all([getForYouFeed(user, query), countRatings(user.id), listGenres()]);
  return (
    <>
      <div className="page-head">
        <div>
          <h1>For You</h1>
          <p className="muted">
            {nRatings === 0
              ? 'Rate a few movies you have seen and these picks become yours.'
              : `Based on your ${nRatings} rating${nRatings === 1 ? '' : 's'}.`}
            {/* Model versions are admin vocabulary; members never see them. */}
            {user.role === 'ADMIN' && feed.modelVersion !== null && <span data-testid="model-version"> · model v{feed.modelVersion}</span>}
          </p>
        </div>
        <Link className="btn" href="/rate">
          Rate more movies
        </Link>
      </div>
      <form className="toolbar" action="/for-you">
        <GenreSelect genres={genres} value={query.genre} />
        <input className="input year" name="yearFrom" type="number" min="1870" max="2100" placeholder="From year" aria-label="From year" defaultValue={query.yearFrom} aria-invalid={!!filterError} aria-describedby={filterError ? 'filter-error' : undefined} />
        <input className="input year" name="yearTo" type="number" min="1870" max="2100" placeholder="To year" aria-label="To year" defaultValue={query.yearTo} aria-invalid={!!filterError} aria-describedby={filterError ? 'filter-error' : undefined} />
        <label className="muted small" htmlFor="diversity">
          Familiar
        </label>
        <input id="diversity" name="diversity" type="range" min="0" max="1" step="0.1" defaultValue={query.diversity} aria-label="Familiar to discovery" />
        <label className="muted small" htmlFor="diversity">
          Discovery
        </label>
        <button className="btn" type="submit">
          Apply
        </button>
      </form>
      {filterError && (
        <p id="filter-error" className="field-error" role="alert" data-testid="filter-error">
          Those filters were not applied ({filterError}).
        </p>
      )}
      <p className="muted small" data-testid="feed-explainer">
        Picks are ordered by how well they match you, with some variety; the stars on each card are Reel&apos;s guess of the
        rating you would give.
      </p>
      <FeedList userId={user.id} version={user.tasteVersion} initialStates={await getCardStates(user.id, feed.items.map((i) => i.movie.id))} filters={{ genre: query.genre, yearFrom: query.yearFrom, yearTo: query.yearTo, diversity: query.diversity }} initial={feed} />
    </>
  );
}

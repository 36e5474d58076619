import Link from 'next/link';
import { GenreSelect } from '@/components/genre-select';
import { YearRange } from '@/components/year-range';
import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/server/auth';
import { getForYouFeed } from '@/lib/server/services/feed-cache';
import { countRatings } from '@/lib/server/data/ratings';
import { countLikes } from '@/lib/server/data/likes';
import { countWatchedMovies } from '@/lib/server/data/watches';
import { listGenres } from '@/lib/server/data/movies';
import { FeedQuery } from '@/lib/validation/feed';
import { getViewableList } from '@/lib/server/data/lists';
import { NotFoundError } from '@/lib/server/errors';
import { FeedList } from './feed-list';
import { getCardStates } from '@/lib/server/data/card-states';

export const metadata = { title: 'For You' };

const FILTER_LABELS: Record<string, string> = {
  yearFrom: 'From year',
  yearTo: 'To year',
  diversity: 'Discovery',
  genre: 'Genre',
};

type SP = Promise<Record<string, string | string[] | undefined>>;

export default async function ForYouPage({ searchParams }: { searchParams: SP }) {
  const user = await getCurrentUser();
  if (!user) redirect('/sign-in?callbackUrl=/for-you');
  const sp = await searchParams;
  const one = (v: string | string[] | undefined) => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
  const parsed = FeedQuery.safeParse({
    genre: one(sp.genre),
    diversity: one(sp.diversity),
    yearFrom: one(sp.yearFrom),
    yearTo: one(sp.yearTo),
    list: one(sp.list),
  });
  const query = parsed.success ? parsed.data : FeedQuery.parse({});
  let seedList: { id: number; name: string } | null = null;
  let seedError: string | null = null;
  if (query.list) {
    try {
      const list = await getViewableList(user.id, query.list);
      seedList = { id: list.id, name: list.name };
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      seedError = err.message;
      query.list = undefined;
    }
  }
  const filterError = parsed.success
    ? null
    : parsed.error.issues
        .map((i) => `${FILTER_LABELS[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`)
        .join('; ');
  const [{ page: feed }, nRatings, nLikes, nWatched, genres] = await Promise.all([
    getForYouFeed(user, query),
    countRatings(user.id),
    countLikes(user.id),
    countWatchedMovies(user.id),
    listGenres(),
  ]);
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const basis = [
    nRatings > 0 && plural(nRatings, 'rating', 'ratings'),
    nLikes > 0 && plural(nLikes, 'like', 'likes'),
    nWatched > 0 && plural(nWatched, 'film watched', 'films watched'),
  ].filter((s): s is string => Boolean(s));
  return (
    <>
      <div className="page-head">
        <div>
          <h1>For You</h1>
          <p className="muted">
            {basis.length === 0
              ? 'Rate a few movies you have seen and these picks become yours.'
              : `Based on your ${basis.length === 1 ? basis[0] : `${basis.slice(0, -1).join(', ')} and ${basis.at(-1)}`}.`}
            {/* Model versions are admin vocabulary; members never see them. */}
            {user.role === 'ADMIN' && feed.modelVersion !== null && (
              <span data-testid="model-version"> · model v{feed.modelVersion}</span>
            )}
          </p>
        </div>
        <Link className="btn" href="/rate">
          Rate more movies
        </Link>
      </div>
      <form className="toolbar" action="/for-you">
        {query.list && <input type="hidden" name="list" value={query.list} />}
        <GenreSelect genres={genres} value={query.genre} />
        <YearRange from={query.yearFrom} to={query.yearTo} errorId={filterError ? 'filter-error' : undefined} />
        <label className="muted small" htmlFor="diversity">
          Familiar
        </label>
        <input
          id="diversity"
          name="diversity"
          type="range"
          min="0"
          max="1"
          step="0.1"
          defaultValue={query.diversity}
          aria-label="Familiar to discovery"
        />
        <label className="muted small" htmlFor="diversity">
          Discovery
        </label>
        <button className="btn" type="submit">
          Apply
        </button>
      </form>
      {seedList && (
        <p className="notice" data-testid="seed-list">
          Seeded from your list <Link href={`/lists/${seedList.id}`}>{seedList.name}</Link>: its movies count as ones
          you like, for this view only (no ratings are saved). <Link href="/for-you">Back to your usual For You</Link>
        </p>
      )}
      {seedError && (
        <p className="field-error" role="alert">
          {seedError}
        </p>
      )}
      {filterError && (
        <p id="filter-error" className="field-error" role="alert" data-testid="filter-error">
          Those filters were not applied ({filterError}).
        </p>
      )}
      <p className="muted small" data-testid="feed-explainer">
        Picks are ordered by how well they match you, with some variety; the stars on each card are Reel&apos;s guess of
        the rating you would give.
      </p>
      <FeedList
        userId={user.id}
        version={user.tasteVersion}
        initialStates={await getCardStates(
          user.id,
          feed.items.map((i) => i.movie.id),
        )}
        filters={{
          genre: query.genre,
          yearFrom: query.yearFrom,
          yearTo: query.yearTo,
          diversity: query.diversity,
          list: query.list,
        }}
        initial={feed}
      />
    </>
  );
}

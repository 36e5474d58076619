import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/server/auth';
import { listRatingsPage, ratingHistogram } from '@/lib/server/data/ratings';
import { getMovieCards } from '@/lib/server/data/movies';
import { likedAmong } from '@/lib/server/data/likes';
import { RatingsQuery, type RatingsSort } from '@/lib/validation/history';
import { MovieCard } from '@/components/movie-card';
import { HistoryNav, PagerLinks } from '@/components/history-nav';
import { RatingHistogramChart } from '@/components/rating-histogram';
import '@/components/history.css';

export const metadata = { title: 'My ratings' };

const PAGE_SIZE = 24;
const SORTS: { sort: RatingsSort; label: string }[] = [
  { sort: 'rated', label: 'Date rated' },
  { sort: 'rating', label: 'Rating' },
  { sort: 'title', label: 'Title' },
  { sort: 'year', label: 'Year' },
];

type SP = Promise<Record<string, string | string[] | undefined>>;

function href(q: { page?: number; sort: RatingsSort; rating?: number }): string {
  const p = new URLSearchParams();
  if (q.sort !== 'rated') p.set('sort', q.sort);
  if (q.rating !== undefined) p.set('rating', String(q.rating));
  if (q.page && q.page > 1) p.set('page', String(q.page));
  const s = p.toString();
  return s ? `/ratings?${s}` : '/ratings';
}

function ratedOn(d: Date): string {
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}

export default async function RatingsPage({ searchParams }: { searchParams: SP }) {
  const user = await getCurrentUser();
  if (!user) redirect('/sign-in?callbackUrl=/ratings');
  const sp = await searchParams;
  const query = RatingsQuery.parse({ page: sp.page, sort: sp.sort, rating: sp.rating });
  const [{ ratings, total }, histogram] = await Promise.all([
    listRatingsPage(user.id, { page: query.page, pageSize: PAGE_SIZE, sort: query.sort, value: query.rating }),
    ratingHistogram(user.id),
  ]);
  const ids = ratings.map((r) => r.movieId);
  const [cards, liked] = await Promise.all([getMovieCards(ids), likedAmong(user.id, ids)]);
  const rating = new Map(ratings.map((r) => [r.movieId, r]));
  const all = histogram.reduce((n, h) => n + h.count, 0);
  const pageCount = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const filterHref = Object.fromEntries(
    histogram.map((h) => [String(h.value), href({ sort: query.sort, rating: h.value })]),
  );
  const sortLabel = SORTS.find((s) => s.sort === query.sort)!.label.toLowerCase();
  return (
    <>
      <div className="page-head">
        <div>
          <h1>My ratings</h1>
          <p className="muted" data-testid="ratings-summary">
            {all} movie{all === 1 ? '' : 's'} rated
            {query.rating !== undefined ? ` · showing the ${total} rated ★ ${query.rating.toFixed(1)}` : ''}
            {query.sort === 'rated' ? ', newest first.' : `, by ${sortLabel}.`}
          </p>
        </div>
      </div>
      <HistoryNav current="/ratings" />
      {all === 0 ? (
        <div className="empty">
          You have not rated anything yet. <Link href="/rate">Rate a few you have seen</Link>: it takes a minute.
        </div>
      ) : (
        <div className="ratings-layout">
          <div>
            <div className="sort-links" data-testid="ratings-sort">
              <span className="muted small">Sort by</span>
              {SORTS.map((s) => (
                <Link
                  key={s.sort}
                  href={href({ sort: s.sort, rating: query.rating })}
                  aria-current={s.sort === query.sort ? 'true' : undefined}
                >
                  {s.label}
                </Link>
              ))}
            </div>
            <div className="sort-links" data-testid="ratings-filter">
              <span className="muted small">Show</span>
              <Link href={href({ sort: query.sort })} aria-current={query.rating === undefined ? 'true' : undefined}>
                All
              </Link>
              {histogram
                .filter((h) => h.count > 0)
                .map((h) => (
                  <Link
                    key={h.value}
                    href={filterHref[String(h.value)]}
                    aria-current={query.rating === h.value ? 'true' : undefined}
                  >
                    ★ {h.value.toFixed(1)} <span className="muted">({h.count})</span>
                  </Link>
                ))}
            </div>
            {cards.length === 0 ? (
              <div className="empty">
                No ratings here. <Link href={href({ sort: query.sort })}>Show all your ratings</Link>
              </div>
            ) : (
              <div className="grid" data-testid="my-ratings">
                {cards.map((m) => (
                  <MovieCard key={m.id} {...m} userRating={rating.get(m.id)?.value} liked={liked.has(m.id)}>
                    <div className="rated-on" data-testid="rated-on">
                      Rated {ratedOn(rating.get(m.id)!.updatedAt)}
                    </div>
                  </MovieCard>
                ))}
              </div>
            )}
            <PagerLinks page={query.page} pageCount={pageCount} href={(p) => href({ ...query, page: p })} />
          </div>
          <aside className="ratings-side histogram" aria-label="Your ratings by value">
            <h2 className="small">Your ratings by value</h2>
            <RatingHistogramChart data={histogram} selected={query.rating} hrefFor={filterHref} />
          </aside>
        </div>
      )}
    </>
  );
}

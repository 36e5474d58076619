import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/server/auth';
import { buildForYouFeed } from '@/lib/server/services/for-you';
import { countRatings } from '@/lib/server/data/ratings';
import { MovieCard } from '@/components/movie-card';

export const metadata = { title: 'For You' };

export default async function ForYouPage() {
  const user = await getCurrentUser();
  if (!user) redirect('/sign-in?callbackUrl=/for-you');
  const [feed, nRatings] = await Promise.all([buildForYouFeed(user.id, 24), countRatings(user.id)]);
  return (
    <>
      <div className="page-head">
        <div>
          <h1>For You</h1>
          <p className="muted">
            {nRatings === 0
              ? 'Rate a few movies you have seen and these picks become yours.'
              : `Based on your ${nRatings} rating${nRatings === 1 ? '' : 's'}.`}
          </p>
        </div>
        <Link className="btn" href="/movies">
          Rate more movies
        </Link>
      </div>
      {feed.length === 0 ? (
        <div className="empty">Nothing to recommend yet: the catalogue is empty.</div>
      ) : (
        <div className="grid" data-testid="for-you">
          {feed.map((item) => (
            <MovieCard key={item.movie.id} {...item.movie} predicted={item.predicted} reason={item.reason} />
          ))}
        </div>
      )}
    </>
  );
}

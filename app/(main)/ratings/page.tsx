import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/server/auth';
import { listRatings } from '@/lib/server/data/ratings';
import { getMovieCards } from '@/lib/server/data/movies';
import { MovieCard } from '@/components/movie-card';
import { plural } from '@/lib/ui/plural';

export const metadata = { title: 'My ratings' };

export default async function RatingsPage() {
  const user = await getCurrentUser();
  if (!user) redirect('/sign-in?callbackUrl=/ratings');
  const ratings = await listRatings(user.id);
  const cards = await getMovieCards(ratings.map((r) => r.movieId));
  const value = new Map(ratings.map((r) => [r.movieId, r.value]));
  return (
    <>
      <div className="page-head">
        <div>
          <h1>My ratings</h1>
          <p className="muted">{plural(ratings.length, 'movie')} rated, newest first.</p>
        </div>
      </div>
      {cards.length === 0 ? (
        <div className="empty">
          You have not rated anything yet. <Link href="/rate">Rate a few you have seen</Link>: it takes a minute.
        </div>
      ) : (
        <div className="grid" data-testid="my-ratings">
          {cards.map((m) => (
            <MovieCard key={m.id} {...m} userRating={value.get(m.id)} />
          ))}
        </div>
      )}
    </>
  );
}

import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/server/auth';
import { listWatchlist } from '@/lib/server/data/watchlist';
import { getMovieCards } from '@/lib/server/data/movies';
import { MovieCard } from '@/components/movie-card';
import { likedAmong } from '@/lib/server/data/likes';

export const metadata = { title: 'Watchlist' };

export default async function WatchlistPage() {
  const user = await getCurrentUser();
  if (!user) redirect('/sign-in?callbackUrl=/watchlist');
  const ids = await listWatchlist(user.id);
  const [cards, liked] = await Promise.all([getMovieCards(ids), likedAmong(user.id, ids)]);
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Watchlist</h1>
          <p className="muted">Movies you saved for later.</p>
        </div>
      </div>
      {cards.length === 0 ? (
        <div className="empty">
          Your watchlist is empty. Add movies from their page or from <Link href="/for-you">For You</Link>.
        </div>
      ) : (
        <div className="grid" data-testid="watchlist">
          {cards.map((m) => (
            <MovieCard key={m.id} {...m} liked={liked.has(m.id)} />
          ))}
        </div>
      )}
    </>
  );
}

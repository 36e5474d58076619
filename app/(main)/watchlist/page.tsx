import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/server/auth';
import { listWatchlist } from '@/lib/server/data/watchlist';
import { getMovieCards } from '@/lib/server/data/movies';
import { MovieGrid } from '@/components/movie-grid';
import { getCardStates } from '@/lib/server/data/card-states';
import { plural } from '@/lib/ui/plural';

export const metadata = { title: 'Watchlist' };

export default async function WatchlistPage() {
  const user = await getCurrentUser();
  if (!user) redirect('/sign-in?callbackUrl=/watchlist');
  const cards = await getMovieCards(await listWatchlist(user.id));
  const states = await getCardStates(user.id, cards.map((c) => c.id));
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Watchlist</h1>
          <p className="muted" data-testid="watchlist-count">
            {cards.length ? `${plural(cards.length, 'movie')} saved for later. “✓ Listed” removes one (with undo).` : 'Movies you saved for later.'}
          </p>
        </div>
      </div>
      {cards.length === 0 ? (
        <div className="empty">
          Your watchlist is empty. Add movies with “+ List” on any card, or from <Link href="/for-you">For You</Link>.
        </div>
      ) : (
        <MovieGrid testId="watchlist" movies={cards} states={states} signedIn />
      )}
    </>
  );
}

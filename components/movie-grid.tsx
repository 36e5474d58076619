import { MovieCard, type MovieCardProps } from './movie-card';
import { QuickActions } from './quick-actions';
import type { CardState } from '@/lib/validation/card-state';

const NONE: CardState = { rating: null, onWatchlist: false, dismissed: false };

/** A grid of movie cards; for a signed-in member each card has quick actions (rate, watchlist, not interested). */
export function MovieGrid({
  movies,
  states,
  signedIn,
  testId,
}: {
  movies: (MovieCardProps & { id: number; title: string })[];
  states: Record<number, CardState> | null;
  signedIn: boolean;
  testId?: string;
}) {
  return (
    <div className="grid" data-testid={testId}>
      {movies.map((m) => (
        <MovieCard key={m.id} {...m}>
          {signedIn && <QuickActions movieId={m.id} title={m.title} state={states?.[m.id] ?? NONE} />}
        </MovieCard>
      ))}
    </div>
  );
}

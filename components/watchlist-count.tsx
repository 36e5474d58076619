'use client';

import { useQueries } from '@tanstack/react-query';
import { movieKeys } from '@/lib/queries/keys';
import { plural } from '@/lib/ui/plural';

/**
 * The watchlist page's count, read from the same per-movie watchlist flags the cards' "✓ Watchlist" buttons write: an
 * inline remove lowers it at once (optimistically), its undo or a failed save puts it back, with no reload.
 */
export function WatchlistCount({ movieIds }: { movieIds: number[] }) {
  const count = useQueries({
    queries: movieIds.map((id) => ({
      queryKey: movieKeys.watchlist(id),
      queryFn: () => true,
      initialData: true,
      staleTime: Infinity,
    })),
    combine: (results) => results.filter((r) => r.data === true).length,
  });
  return (
    <p className="muted" data-testid="watchlist-count" aria-live="polite">
      {count > 0
        ? `${plural(count, 'movie')} saved for later. “✓ Watchlist” on a card removes it (with undo).`
        : movieIds.length > 0
          ? 'Nothing saved for later any more. Undo on a card puts it back.'
          : 'Movies you saved for later.'}
    </p>
  );
}

'use client';

import { AddToList } from '@/components/add-to-list';
import { RatingStars } from '@/components/rating-stars';
import { ToggleButton } from '@/components/toggle-button';
import { movieKeys } from '@/lib/queries/keys';
import { clearRatingAction, rateMovieAction, setDismissedAction, setWatchlistAction } from './actions';

export function MovieActions(props: {
  movieId: number;
  title: string;
  rating: number | null;
  onWatchlist: boolean;
  dismissed: boolean;
}) {
  const { movieId } = props;
  return (
    <>
      <div className="detail-section">
        <h2>Your rating</h2>
        <RatingStars
          movieId={movieId}
          title={props.title}
          initial={props.rating}
          rate={rateMovieAction}
          clear={clearRatingAction}
        />
      </div>
      <div className="actions-row">
        <ToggleButton
          queryKey={movieKeys.watchlist(movieId)}
          initial={props.onWatchlist}
          labelOn="✓ On your watchlist"
          labelOff="+ Watchlist"
          testId="watchlist-toggle"
          save={(on) => setWatchlistAction({ movieId, on })}
        />
        <ToggleButton
          queryKey={movieKeys.dismissed(movieId)}
          initial={props.dismissed}
          labelOn="Hidden from For You · undo"
          labelOff="Not interested"
          testId="dismiss-toggle"
          save={(on) => setDismissedAction({ movieId, on })}
        />
        <AddToList movieId={movieId} title={props.title} />
      </div>
    </>
  );
}

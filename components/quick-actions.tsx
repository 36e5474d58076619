'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { movieKeys } from '@/lib/queries/keys';
import type { CardState } from '@/lib/validation/card-state';
import {
  clearFromCardAction as clearRatingAction,
  dismissFromCardAction,
  rateFromCardAction as rateMovieAction,
  watchlistFromCardAction,
} from '@/app/(main)/card-actions';
import { RatingStars } from './rating-stars';
import { ListMemberships } from './add-to-list';

const UNDO_MS = 8000;

interface Undo {
  label: string;
  run: () => void;
}

/** A boolean the member can flip from a card (watchlist, not interested), shared with the movie page by query key. */
function useFlag(
  key: readonly unknown[],
  initial: boolean,
  save: (on: boolean) => Promise<{ ok: boolean; error?: string }>,
) {
  const qc = useQueryClient();
  const { data = initial } = useQuery({
    queryKey: key,
    queryFn: () => initial,
    initialData: initial,
    staleTime: Infinity,
  });
  const [error, setError] = useState<string | null>(null);
  const mutation = useMutation({
    mutationFn: async (next: boolean) => {
      const res = await save(next);
      if (!res.ok) throw new Error(res.error ?? 'That did not save. Try again.');
    },
    onMutate: (next) => {
      const previous = qc.getQueryData<boolean>(key) ?? initial;
      qc.setQueryData(key, next);
      setError(null);
      return { previous };
    },
    onError: (err, _next, ctx) => {
      qc.setQueryData(key, ctx?.previous ?? initial);
      setError(err instanceof Error ? err.message : 'That did not save. Try again.');
    },
  });
  return { on: data, set: (next: boolean) => mutation.mutate(next), error };
}

/**
 * Rate, watchlist, "not interested" and custom lists from any movie card, each saved at once with an optimistic update and an undo
 * for a few seconds. Rating opens a dialog with large stars (thumb-sized on a phone).
 */
export function QuickActions({ movieId, title, state }: { movieId: number; title: string; state: CardState }) {
  const qc = useQueryClient();
  const ratingKey = movieKeys.rating(movieId);
  const { data: rating = null } = useQuery({
    queryKey: ratingKey,
    queryFn: () => state.rating,
    initialData: state.rating,
    staleTime: Infinity,
  });
  const watch = useFlag(movieKeys.watchlist(movieId), state.onWatchlist, (on) =>
    watchlistFromCardAction({ movieId, on }),
  );
  const hide = useFlag(movieKeys.dismissed(movieId), state.dismissed, (on) => dismissFromCardAction({ movieId, on }));
  const [undo, setUndo] = useState<Undo | null>(null);
  // The stars are mounted only while the dialog is open: a page of cards keeps one rating widget (the movie page's).
  const [isOpen, setIsOpen] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const ratingAtOpen = useRef<number | null>(null);
  const titleId = useId();
  // The member's lists are read only when this dialog opens (a page of cards makes no request for them).
  const [isListsOpen, setIsListsOpen] = useState(false);
  const listsDialog = useRef<HTMLDialogElement>(null);
  const listsTitleId = useId();

  useEffect(() => {
    if (!undo) return;
    const t = setTimeout(() => setUndo(null), UNDO_MS);
    return () => clearTimeout(t);
  }, [undo]);

  function openRating() {
    ratingAtOpen.current = qc.getQueryData<number | null>(ratingKey) ?? null;
    setIsOpen(true);
    dialog.current?.showModal();
  }

  function onDialogClose() {
    setIsOpen(false);
    const before = ratingAtOpen.current;
    const after = qc.getQueryData<number | null>(ratingKey) ?? null;
    if (before === after) return;
    setUndo({
      label: after === null ? 'Rating cleared' : `Rated ★ ${after.toFixed(1)}`,
      run: () => {
        qc.setQueryData(ratingKey, before);
        void (before === null ? clearRatingAction({ movieId }) : rateMovieAction({ movieId, value: before })).then(
          (res) => {
            if (!res.ok) qc.setQueryData(ratingKey, after);
          },
        );
      },
    });
  }

  const error = watch.error ?? hide.error;
  return (
    <div className="quick-actions" data-testid="quick-actions">
      <div className="quick-row">
        {/* Visible text first, context for screen readers after it (the accessible name contains the visible label). */}
        <button type="button" className="btn" onClick={openRating} aria-haspopup="dialog" data-testid="quick-rate">
          {rating === null ? '☆ Rate' : `★ ${rating.toFixed(1)}`}
          <span className="sr-only">
            {rating === null ? ` ${title}` : ` stars, your rating for ${title}: change it`}
          </span>
        </button>
        <button
          type="button"
          className="btn"
          aria-pressed={watch.on}
          data-testid="quick-watchlist"
          onClick={() => {
            const next = !watch.on;
            watch.set(next);
            setUndo({ label: next ? 'Added to watchlist' : 'Removed from watchlist', run: () => watch.set(!next) });
          }}
        >
          {watch.on ? '✓ Watchlist' : '+ Watchlist'}
          <span className="sr-only">
            {watch.on ? `: ${title} is on your watchlist` : `: add ${title} to your watchlist`}
          </span>
        </button>
        <button
          type="button"
          className="btn"
          aria-pressed={hide.on}
          data-testid="quick-hide"
          onClick={() => {
            const next = !hide.on;
            hide.set(next);
            setUndo({ label: next ? 'Hidden from For You' : 'Shown in For You again', run: () => hide.set(!next) });
          }}
        >
          {hide.on ? 'Hidden' : 'Hide'}
          <span className="sr-only">{hide.on ? `: ${title} is hidden from For You` : ` ${title}: not interested`}</span>
        </button>
        <button
          type="button"
          className="btn"
          aria-haspopup="dialog"
          data-testid="quick-lists"
          onClick={() => {
            setIsListsOpen(true);
            listsDialog.current?.showModal();
          }}
        >
          Lists
          <span className="sr-only">: add {title} to your lists</span>
        </button>
      </div>
      <div className="quick-undo" aria-live="polite" data-testid="quick-undo">
        {undo && (
          <>
            <span>{undo.label}</span>
            <button
              type="button"
              className="btn btn-ghost"
              onClick={() => {
                undo.run();
                setUndo(null);
              }}
            >
              Undo
            </button>
          </>
        )}
        {error && (
          <span className="field-error" role="alert">
            {error}
          </span>
        )}
      </div>
      <dialog
        ref={dialog}
        className="rate-dialog"
        aria-labelledby={titleId}
        onClose={onDialogClose}
        data-testid="rate-dialog"
      >
        <h2 id={titleId}>Rate {title}</h2>
        {isOpen && (
          <RatingStars
            movieId={movieId}
            title={title}
            initial={rating}
            rate={rateMovieAction}
            clear={clearRatingAction}
          />
        )}
        <form method="dialog" className="actions-row">
          <button className="btn btn-primary" data-testid="rate-done">
            Done
          </button>
        </form>
      </dialog>
      <dialog
        ref={listsDialog}
        className="rate-dialog lists-dialog"
        aria-labelledby={listsTitleId}
        onClose={() => setIsListsOpen(false)}
        data-testid="lists-dialog"
      >
        <h2 id={listsTitleId}>Add {title} to your lists</h2>
        {isListsOpen && <ListMemberships movieId={movieId} large />}
        <form method="dialog" className="actions-row">
          <button className="btn btn-primary" data-testid="lists-done">
            Done
          </button>
        </form>
      </dialog>
    </div>
  );
}

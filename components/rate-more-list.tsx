'use client';

import { useEffect, useState } from 'react';
import { MovieCard, type MovieCardProps } from './movie-card';
import { RatingStars } from './rating-stars';
import {
  clearFromCardAction as clearRatingAction,
  rateFromCardAction as rateMovieAction,
  skipFromRateMoreAction,
} from '@/app/(main)/card-actions';

type Card = MovieCardProps & { id: number; title: string };

const UNDO_MS = 8000;

/**
 * Cards to rate one after another: stars on each card, "Haven't seen it" removes it (saved with the account, so no
 * device offers it again; undo for a few seconds), "Show me more" draws a new batch (never one already shown, rated,
 * hidden or skipped).
 */
export function RateMoreList({ initial, decades, testId }: { initial: Card[]; decades: number[]; testId: string }) {
  const [movies, setMovies] = useState(initial);
  const [shown, setShown] = useState<number[]>(() => initial.map((m) => m.id));
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [undo, setUndo] = useState<{ card: Card; index: number } | null>(null);

  useEffect(() => {
    if (!undo) return;
    const t = setTimeout(() => setUndo(null), UNDO_MS);
    return () => clearTimeout(t);
  }, [undo]);

  async function more(extraExclude: number[] = []) {
    setLoading(true);
    setError(null);
    try {
      // The server leaves out what the member rated, hid or skipped; this only keeps the page's own cards apart.
      const exclude = [...new Set([...shown, ...extraExclude])].slice(-900);
      const params = new URLSearchParams({ exclude: exclude.join(','), n: '12' });
      if (decades.length) params.set('decades', decades.join(','));
      const res = await fetch(`/api/rate-more?${params}`);
      const body = (await res.json().catch(() => null)) as { movies?: Card[]; error?: string } | null;
      if (!res.ok || !body?.movies) throw new Error(body?.error ?? `Could not load more films (HTTP ${res.status}).`);
      setMovies((m) => [...m, ...body.movies!]);
      setShown((s) => [...s, ...body.movies!.map((m) => m.id)]);
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Could not load more films.');
    } finally {
      setLoading(false);
    }
  }

  function putBack(card: Card, index: number) {
    setMovies((m) => (m.some((x) => x.id === card.id) ? m : [...m.slice(0, index), card, ...m.slice(index)]));
  }

  function skip(card: Card) {
    const index = movies.findIndex((x) => x.id === card.id);
    setMovies((m) => m.filter((x) => x.id !== card.id));
    setError(null);
    setUndo({ card, index });
    void skipFromRateMoreAction({ movieId: card.id, on: true }).then((res) => {
      if (res.ok) return;
      // Not saved: the card comes back, so nothing is lost silently.
      putBack(card, index);
      setUndo(null);
      setError(res.error ?? 'That skip did not save. Try again.');
    });
    if (movies.length <= 5 && !loading) void more([card.id]);
  }

  function undoSkip() {
    if (!undo) return;
    const { card, index } = undo;
    setUndo(null);
    putBack(card, index);
    void skipFromRateMoreAction({ movieId: card.id, on: false }).then((res) => {
      if (res.ok) return;
      setMovies((m) => m.filter((x) => x.id !== card.id));
      setError(res.error ?? 'That undo did not save. Try again.');
    });
  }

  return (
    <>
      {movies.length === 0 ? (
        <div className="empty">
          You have rated or skipped everything offered. Show more below, or try other decades.
        </div>
      ) : (
        <div className="grid rate-grid" data-testid={testId}>
          {movies.map((m) => (
            <MovieCard key={m.id} {...m} ratingMean={null}>
              <RatingStars
                movieId={m.id}
                title={m.title}
                initial={null}
                rate={rateMovieAction}
                clear={clearRatingAction}
              />
              <button type="button" className="btn btn-ghost skip" data-testid="skip" onClick={() => skip(m)}>
                Haven&apos;t seen it<span className="sr-only">: {m.title}</span>
              </button>
            </MovieCard>
          ))}
        </div>
      )}
      <div className="quick-undo" aria-live="polite" data-testid="skip-undo">
        {undo && (
          <>
            <span>Skipped {undo.card.title}</span>
            <button type="button" className="btn btn-ghost" onClick={undoSkip}>
              Undo
            </button>
          </>
        )}
      </div>
      <div className="pager">
        <button
          type="button"
          className="btn"
          onClick={() => void more()}
          disabled={loading}
          data-testid="rate-more-next"
        >
          {loading ? 'Finding films…' : 'Show me more'}
        </button>
        {error && (
          <span className="field-error" role="alert">
            {error}
          </span>
        )}
      </div>
    </>
  );
}

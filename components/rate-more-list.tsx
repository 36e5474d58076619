'use client';

import { useState } from 'react';
import { MovieCard, type MovieCardProps } from './movie-card';
import { RatingStars } from './rating-stars';
import {
  clearFromCardAction as clearRatingAction,
  rateFromCardAction as rateMovieAction,
} from '@/app/(main)/card-actions';

type Card = MovieCardProps & { id: number; title: string };

/**
 * Cards to rate one after another: stars on each card, "Haven't seen it" removes it, "Show me more" draws a new
 * batch (never one already shown or skipped). Skips are remembered on this device so they stay skipped.
 */
export function RateMoreList({
  initial,
  decades,
  testId,
  skipKey = 'reel-rate-skipped',
}: {
  initial: Card[];
  decades: number[];
  testId: string;
  skipKey?: string;
}) {
  const [movies, setMovies] = useState(initial);
  const [shown, setShown] = useState<number[]>(() => initial.map((m) => m.id));
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  function skipped(): number[] {
    try {
      return JSON.parse(localStorage.getItem(skipKey) ?? '[]') as number[];
    } catch {
      // A corrupt entry only loses the memory of skips; the server still excludes rated and hidden films.
      return [];
    }
  }

  async function more(extraExclude: number[] = []) {
    setLoading(true);
    setError(null);
    try {
      const exclude = [...new Set([...shown, ...skipped(), ...extraExclude])].slice(-900);
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

  function skip(id: number) {
    const all = [...new Set([...skipped(), id])].slice(-900);
    localStorage.setItem(skipKey, JSON.stringify(all));
    setMovies((m) => m.filter((x) => x.id !== id));
    if (movies.length <= 5 && !loading) void more([id]);
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
              <button type="button" className="btn btn-ghost skip" data-testid="skip" onClick={() => skip(m.id)}>
                Haven&apos;t seen it<span className="sr-only">: {m.title}</span>
              </button>
            </MovieCard>
          ))}
        </div>
      )}
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

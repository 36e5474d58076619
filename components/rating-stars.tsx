'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { movieKeys } from '@/lib/queries/keys';
import { withRetryOnBusy } from '@/lib/validation/action-result';
import type { RatingMutationResult } from './rating-types';

function Star({ fill }: { fill: 0 | 0.5 | 1 }) {
  const id = `half-${useId().replace(/:/g, '')}`;
  return (
    <svg viewBox="0 0 24 24" aria-hidden>
      <defs>
        <linearGradient id={id}>
          <stop offset="50%" stopColor="var(--accent)" />
          <stop offset="50%" stopColor="transparent" />
        </linearGradient>
      </defs>
      <path
        d="M12 2.5l2.9 6.1 6.6.8-4.9 4.6 1.3 6.5L12 17.3l-5.9 3.2 1.3-6.5L2.5 9.4l6.6-.8z"
        fill={fill === 1 ? 'var(--accent)' : fill === 0.5 ? `url(#${id})` : 'transparent'}
        stroke="var(--accent)"
        strokeWidth="1.4"
        strokeLinejoin="round"
      />
    </svg>
  );
}

/**
 * A change is saved once the member stops changing it for this long: arrow keys give one save per pause, not one per
 * press; a click or tap is a decision, so it waits only long enough to fold a double tap into one save.
 */
export const KEY_PAUSE_MS = 400;
export const POINTER_PAUSE_MS = 60;

/**
 * Half-star rating widget. Click a star half, or focus it and use ←/→ (half steps), Home/End, Delete to clear.
 * The shown value changes at once (optimistic, shared through the query cache with every other widget for the movie);
 * the server action runs once after a short pause, and a failure puts back the last saved value with a message.
 */
export function RatingStars({
  movieId,
  title,
  initial,
  rate,
  clear,
}: {
  movieId: number;
  title: string;
  initial: number | null;
  rate: (input: { movieId: number; value: number }) => Promise<RatingMutationResult>;
  clear: (input: { movieId: number }) => Promise<RatingMutationResult>;
}) {
  const qc = useQueryClient();
  const key = movieKeys.rating(movieId);
  const { data: value = null } = useQuery({
    queryKey: key,
    queryFn: () => initial,
    initialData: initial,
    staleTime: Infinity,
  });
  const [hover, setHover] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  /** The value the server has (what a failed save goes back to). */
  const committed = useRef<number | null>(qc.getQueryData<number | null>(key) ?? initial);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [waiting, setWaiting] = useState(false);

  const mutation = useMutation({
    mutationFn: async (next: number | null) => {
      // A busy database answers "retryable": one more try before the member sees it.
      const res = await withRetryOnBusy(() => (next === null ? clear({ movieId }) : rate({ movieId, value: next })));
      if (!res.ok) throw new Error(res.error);
      return next;
    },
    onError: (err) => {
      qc.setQueryData(key, committed.current);
      setError(err instanceof Error ? err.message : 'Your rating was not saved. Try again.');
    },
    onSuccess: (next) => {
      committed.current = next;
      // A newer change may have been made while this one was saving: that one saves after its own pause.
      if (qc.getQueryData<number | null>(key) === next) setSaved(true);
    },
  });

  const pending = useRef<number | null>(null);
  // Closing a dialog inside the pause must not lose the change: save it on the way out.
  useEffect(
    () => () => {
      if (!timer.current) return;
      clearTimeout(timer.current);
      const next = pending.current;
      if (next !== committed.current) void (next === null ? clear({ movieId }) : rate({ movieId, value: next }));
    },
    [rate, clear, movieId],
  );

  const shown = hover ?? value;
  const set = (next: number | null, pause = POINTER_PAUSE_MS) => {
    if (next === value) return;
    qc.setQueryData(key, next);
    setError(null);
    setSaved(false);
    if (timer.current) clearTimeout(timer.current);
    pending.current = next;
    setWaiting(true);
    timer.current = setTimeout(() => {
      timer.current = null;
      setWaiting(false);
      if (next !== committed.current) mutation.mutate(next);
      else setSaved(true);
    }, pause);
  };

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const current = value ?? 0;
    let next: number | null | undefined;
    if (e.key === 'ArrowRight' || e.key === 'ArrowUp') next = Math.min(5, current + 0.5);
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowDown') next = current <= 0.5 ? 0.5 : current - 0.5;
    else if (e.key === 'Home') next = 0.5;
    else if (e.key === 'End') next = 5;
    else if (e.key === 'Delete' || e.key === 'Backspace') next = null;
    else if (/^[1-5]$/.test(e.key)) next = Number(e.key);
    if (next !== undefined) {
      e.preventDefault();
      set(next, KEY_PAUSE_MS);
    }
  }

  function onHalf(e: MouseEvent, v: number) {
    e.preventDefault();
    set(v);
  }

  return (
    <div className="stars">
      <div
        className="stars-track"
        role="slider"
        tabIndex={0}
        aria-label={`Your rating for ${title}`}
        aria-valuemin={0.5}
        aria-valuemax={5}
        aria-valuenow={value ?? undefined}
        aria-valuetext={value ? `${value} out of 5 stars` : 'Not rated'}
        onKeyDown={onKeyDown}
        onMouseLeave={() => setHover(null)}
        data-testid="rating-stars"
      >
        {[1, 2, 3, 4, 5].map((n) => (
          <span className="star" key={n}>
            <Star fill={shown === null ? 0 : shown >= n ? 1 : shown >= n - 0.5 ? 0.5 : 0} />
            <span
              className="star-half left"
              data-value={n - 0.5}
              onMouseEnter={() => setHover(n - 0.5)}
              onClick={(e) => onHalf(e, n - 0.5)}
            />
            <span
              className="star-half right"
              data-value={n}
              onMouseEnter={() => setHover(n)}
              onClick={(e) => onHalf(e, n)}
            />
          </span>
        ))}
      </div>
      <span className="stars-value" aria-live="polite" data-testid="rating-status">
        {mutation.isPending || waiting
          ? 'Saving…'
          : value
            ? `${value.toFixed(1)} / 5${saved ? ' · saved' : ''}`
            : saved
              ? 'Cleared'
              : 'Not rated'}
      </span>
      {value !== null && (
        <button type="button" className="btn btn-ghost small" onClick={() => set(null)}>
          Clear
        </button>
      )}
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

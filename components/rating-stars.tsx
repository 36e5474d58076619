'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type KeyboardEvent, type MouseEvent } from 'react';
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
 * Half-star rating widget. Click a star half, or focus it and use ←/→ (half steps), Home/End, Delete to clear.
 * Every change saves at once through the server action, with an optimistic update that rolls back on failure.
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

  const mutation = useMutation({
    mutationFn: async (next: number | null) => {
      // A busy database answers "retryable": one more try before the member sees it.
      const res = await withRetryOnBusy(() => (next === null ? clear({ movieId }) : rate({ movieId, value: next })));
      if (!res.ok) throw new Error(res.error);
      return res;
    },
    onMutate: async (next) => {
      await qc.cancelQueries({ queryKey: key });
      const previous = qc.getQueryData<number | null>(key) ?? null;
      qc.setQueryData(key, next);
      setError(null);
      setSaved(false);
      return { previous };
    },
    onError: (err, _next, ctx) => {
      qc.setQueryData(key, ctx?.previous ?? null);
      setError(err instanceof Error ? err.message : 'Your rating was not saved. Try again.');
    },
    onSuccess: () => setSaved(true),
  });

  const shown = hover ?? value;
  const set = (next: number | null) => {
    if (next === value) return;
    mutation.mutate(next);
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
      set(next);
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
        {mutation.isPending ? 'Saving…' : value ? `${value.toFixed(1)} / 5${saved ? ' · saved' : ''}` : 'Not rated'}
      </span>
      {value !== null && (
        <button type="button" className="btn btn-ghost small" onClick={() => set(null)} disabled={mutation.isPending}>
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

'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { movieKeys } from '@/lib/queries/keys';
import { setLikedAction } from '@/app/(main)/diary/actions';
import './history.css';

const UNDO_MS = 6_000;

function Heart({ on }: { on: boolean }) {
  return (
    <svg viewBox="0 0 24 24" aria-hidden width="18" height="18">
      <path
        d="M12 20.5s-7.5-4.6-9.3-9.4C1.4 7.6 3.6 4 7.2 4c2 0 3.6 1.1 4.8 2.8C13.2 5.1 14.8 4 16.8 4c3.6 0 5.8 3.6 4.5 7.1-1.8 4.8-9.3 9.4-9.3 9.4z"
        fill={on ? 'currentColor' : 'none'}
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinejoin="round"
      />
    </svg>
  );
}

/**
 * The heart: saves at once with an optimistic update (rolled back with a message if the save fails), then offers
 * "Undo" for a few seconds. Shares its state with every other heart of the same movie on the page (react-query key).
 */
export function LikeButton({
  movieId,
  title,
  initial,
  compact = false,
}: {
  movieId: number;
  title: string;
  initial: boolean;
  compact?: boolean;
}) {
  const qc = useQueryClient();
  const key = movieKeys.liked(movieId);
  const { data: liked = initial } = useQuery({
    queryKey: key,
    queryFn: () => initial,
    initialData: initial,
    staleTime: Infinity,
  });
  const [error, setError] = useState<string | null>(null);
  const [undoable, setUndoable] = useState(false);
  const mutation = useMutation({
    mutationFn: async (on: boolean) => {
      const res = await setLikedAction({ movieId, on });
      if (!res.ok) throw new Error(res.error);
    },
    onMutate: async (on) => {
      await qc.cancelQueries({ queryKey: key });
      const previous = qc.getQueryData<boolean>(key) ?? initial;
      qc.setQueryData(key, on);
      setError(null);
      return { previous };
    },
    onError: (err, _on, ctx) => {
      qc.setQueryData(key, ctx?.previous ?? initial);
      setUndoable(false);
      setError(err instanceof Error ? err.message : 'That did not save. Try again.');
    },
  });
  useEffect(() => {
    if (!undoable) return;
    const t = setTimeout(() => setUndoable(false), UNDO_MS);
    return () => clearTimeout(t);
  }, [undoable, liked]);

  const toggle = (undo: boolean) => {
    mutation.mutate(!liked);
    setUndoable(!undo);
  };
  return (
    <span className={compact ? 'like like-compact' : 'like'}>
      <button
        type="button"
        className={`btn like-btn${liked ? ' on' : ''}`}
        aria-pressed={liked}
        aria-label={liked ? `Unlike ${title}` : `Like ${title}`}
        title={liked ? 'Liked — click to unlike' : 'Like'}
        data-testid="like-button"
        onClick={() => toggle(false)}
      >
        <Heart on={liked} />
        {!compact && <span>{liked ? 'Liked' : 'Like'}</span>}
      </button>
      {undoable && !error && (
        <span className="like-undo" role="status">
          {compact ? null : (
            <span className="muted small">{liked ? 'Added to your likes.' : 'Removed from your likes.'} </span>
          )}
          <button type="button" className="link-btn small" data-testid="like-undo" onClick={() => toggle(true)}>
            Undo
          </button>
        </span>
      )}
      {error && (
        <span className="field-error small" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}

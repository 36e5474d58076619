'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { withRetryOnBusy } from '@/lib/validation/action-result';
import type { RatingMutationResult } from './rating-types';

/** An on/off button (watchlist, not interested) that saves instantly with an optimistic update. */
export function ToggleButton({
  queryKey,
  initial,
  labelOn,
  labelOff,
  testId,
  save,
}: {
  queryKey: readonly unknown[];
  initial: boolean;
  labelOn: string;
  labelOff: string;
  testId: string;
  save: (on: boolean) => Promise<RatingMutationResult>;
}) {
  const qc = useQueryClient();
  const { data: on = initial } = useQuery({
    queryKey,
    queryFn: () => initial,
    initialData: initial,
    staleTime: Infinity,
  });
  const [error, setError] = useState<string | null>(null);
  const mutation = useMutation({
    mutationFn: async (next: boolean) => {
      const res = await withRetryOnBusy(() => save(next)); // one retry when the database was busy
      if (!res.ok) throw new Error(res.error);
    },
    onMutate: (next) => {
      const previous = qc.getQueryData<boolean>(queryKey);
      qc.setQueryData(queryKey, next);
      setError(null);
      return { previous };
    },
    onError: (err, _n, ctx) => {
      qc.setQueryData(queryKey, ctx?.previous ?? initial);
      setError(err instanceof Error ? err.message : 'That did not save. Try again.');
    },
  });
  return (
    <span>
      <button
        type="button"
        className="btn"
        aria-pressed={on}
        data-testid={testId}
        onClick={() => mutation.mutate(!on)}
        disabled={mutation.isPending}
      >
        {on ? labelOn : labelOff}
      </button>
      {error && (
        <span className="field-error" role="alert">
          {' '}
          {error}
        </span>
      )}
    </span>
  );
}

'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { MAX_FAVOURITE_GENRES } from '@/lib/validation/onboarding';
import { saveFavouriteGenresAction } from './actions';

/** Genre chips (toggle buttons); "Save genres" stores them and refreshes the titles offered below. */
export function GenrePicker({ genres, initial }: { genres: string[]; initial: string[] }) {
  const router = useRouter();
  const [chosen, setChosen] = useState<string[]>(initial);
  const [saved, setSaved] = useState<string[]>(initial);
  // The titles below depend on the genres: the refresh that re-renders them is tracked, so the status says "Saved"
  // only once the new titles are on screen.
  const [refreshing, startRefresh] = useTransition();
  const save = useMutation({
    mutationFn: async (next: string[]) => {
      const res = await saveFavouriteGenresAction({ genres: next });
      if (!res.ok) throw new Error(res.error);
      return res.data;
    },
    onSuccess: (g) => {
      setSaved(g);
      startRefresh(() => router.refresh());
    },
  });
  const toggle = (g: string) =>
    setChosen((c) => (c.includes(g) ? c.filter((x) => x !== g) : c.length >= MAX_FAVOURITE_GENRES ? c : [...c, g]));
  const dirty = chosen.length !== saved.length || chosen.some((g) => !saved.includes(g));
  return (
    <div data-testid="genre-picker">
      <div className="chips" role="group" aria-label="Favourite genres">
        {genres.map((g) => (
          <button
            key={g}
            type="button"
            className={chosen.includes(g) ? 'chip on' : 'chip'}
            aria-pressed={chosen.includes(g)}
            disabled={!chosen.includes(g) && chosen.length >= MAX_FAVOURITE_GENRES}
            onClick={() => toggle(g)}
          >
            {g}
          </button>
        ))}
      </div>
      <div className="actions-row">
        <button
          className="btn btn-primary"
          type="button"
          disabled={!dirty || save.isPending || refreshing}
          onClick={() => save.mutate(chosen)}
        >
          {save.isPending ? 'Saving…' : 'Save genres'}
        </button>
        <span className="muted small" data-testid="genre-status" aria-live="polite">
          {save.isError
            ? ''
            : refreshing
              ? 'Updating the titles…'
              : dirty
                ? `${chosen.length} of up to ${MAX_FAVOURITE_GENRES} chosen`
                : saved.length
                  ? `Saved: ${saved.join(', ')}`
                  : 'No favourites yet'}
        </span>
        {save.isError && (
          <span className="field-error" role="alert">
            {save.error.message}
          </span>
        )}
      </div>
    </div>
  );
}

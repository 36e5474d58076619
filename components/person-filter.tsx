'use client';

import { useEffect, useId, useState } from 'react';
import { foldForMatch as fold } from '@/lib/search/rank';
import type { PersonHit } from '@/lib/validation/search';

/**
 * Browse's person field: type a name (typos allowed), pick one of the suggested people, and the form filters by that
 * person's id. Without a pick (or before the page is interactive) the typed name goes to the server, which looks it
 * up with the same search and says so when nobody matches.
 */
export function PersonFilter({
  initialName,
  initialId,
  error,
}: {
  initialName: string;
  initialId?: number;
  error?: string;
}) {
  const [name, setName] = useState(initialName);
  const [personId, setPersonId] = useState<number | undefined>(initialId);
  const [hits, setHits] = useState<PersonHit[]>([]);
  const listId = useId();
  const errorId = useId();
  const [lookupError, setLookupError] = useState<string | null>(null);

  useEffect(() => {
    const q = name.trim();
    if (q.length < 2 || (personId !== undefined && fold(q) === fold(initialName))) return;
    const ctrl = new AbortController();
    const t = setTimeout(() => {
      fetch(`/api/people?${new URLSearchParams({ q })}`, { signal: ctrl.signal })
        .then(async (res) => {
          const body = (await res.json().catch(() => null)) as { people?: PersonHit[]; error?: string } | null;
          if (!res.ok || !body?.people) throw new Error(body?.error ?? `HTTP ${res.status}`);
          setHits(body.people);
          setLookupError(null);
          // A name typed out in full counts as picked once its suggestion arrives.
          const exact = body.people.find((p) => fold(p.name) === fold(q));
          if (exact) setPersonId(exact.id);
        })
        .catch((err: unknown) => {
          if (ctrl.signal.aborted) return;
          // Suggestions are a convenience: the typed name is still looked up when the form is applied.
          setLookupError(`Suggestions are unavailable (${err instanceof Error ? err.message : 'network error'}).`);
        });
    }, 200);
    return () => {
      clearTimeout(t);
      ctrl.abort();
    };
  }, [name, personId, initialName]);

  function onChange(value: string) {
    setName(value);
    // Picking a suggestion puts its exact name in the field; anything else is a free-text name for the server.
    const pick = hits.find((p) => fold(p.name) === fold(value));
    setPersonId(pick ? pick.id : undefined);
  }

  const message = error ?? lookupError;
  return (
    <span className="person-filter">
      <input
        className="input"
        name="personName"
        type="text"
        list={listId}
        value={name}
        onChange={(e) => onChange(e.target.value)}
        placeholder="Actor or director"
        aria-label="Actor or director"
        aria-invalid={error ? true : undefined}
        aria-describedby={message ? errorId : undefined}
        autoComplete="off"
        maxLength={100}
        data-testid="person-name"
      />
      <datalist id={listId} data-testid="person-suggestions">
        {hits.map((p) => (
          <option key={p.id} value={p.name} label={`${p.films} ${p.films === 1 ? 'film' : 'films'}`} />
        ))}
      </datalist>
      <input type="hidden" name="person" value={personId ?? ''} data-testid="person-id" />
      {message && (
        <span id={errorId} className="field-error" role={error ? 'alert' : undefined} data-testid="person-error">
          {message}
        </span>
      )}
    </span>
  );
}

'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useRef, useState, useTransition } from 'react';
import { Poster } from '@/components/poster';
import { letterboxdTitle } from '@/lib/import/match';
import type { ListDetail, ListEntry } from '@/lib/validation/lists';
import { deleteListAction, removeFromListAction, reorderListAction, updateListAction } from '../actions';

function move<T>(items: T[], from: number, to: number): T[] {
  const next = items.slice();
  const [it] = next.splice(from, 1);
  next.splice(to, 0, it);
  return next;
}

export function ListView({ list, signedIn }: { list: ListDetail; signedIn: boolean }) {
  const router = useRouter();
  const [entries, setEntries] = useState<ListEntry[]>(list.entries);
  const [error, setError] = useState<string | null>(null);
  const [announce, setAnnounce] = useState('');
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const [over, setOver] = useState<number | null>(null);
  const [, start] = useTransition();
  const handles = useRef<(HTMLButtonElement | null)[]>([]);

  function save(next: ListEntry[], previous: ListEntry[], message: string) {
    setEntries(next);
    setError(null);
    setAnnounce(message);
    start(async () => {
      const res = await reorderListAction({ listId: list.id, movieIds: next.map((e) => e.movieId) });
      if (!res.ok) {
        setEntries(previous);
        setError(res.error);
      }
    });
  }

  function moveTo(from: number, to: number) {
    if (to < 0 || to >= entries.length || to === from) return;
    const title = letterboxdTitle(entries[from].title);
    save(move(entries, from, to), entries, `${title} moved to position ${to + 1} of ${entries.length}.`);
    // Keep the keyboard on the moved item.
    requestAnimationFrame(() => handles.current[to]?.focus());
  }

  function remove(movieId: number) {
    const previous = entries;
    setEntries(entries.filter((e) => e.movieId !== movieId));
    start(async () => {
      const res = await removeFromListAction({ listId: list.id, movieId });
      if (!res.ok) {
        setEntries(previous);
        setError(res.error);
      }
    });
  }

  return (
    <div data-testid="list-page">
      <div className="page-head">
        <div>
          <h1 data-testid="list-name">{list.name}</h1>
          <p className="muted">
            {entries.length} movie{entries.length === 1 ? '' : 's'} ·{' '}
            {list.isPublic ? 'public: anyone with the link can read it' : 'private'}
            {!list.isOwner && list.ownerName ? ` · by ${list.ownerName}` : ''}
          </p>
          {list.description && (
            <p data-testid="list-description" style={{ whiteSpace: 'pre-wrap' }}>
              {list.description}
            </p>
          )}
        </div>
        {signedIn && entries.length > 0 && (
          <Link className="btn btn-primary" href={`/for-you?list=${list.id}`} data-testid="recommend-from-list">
            Recommend from this list
          </Link>
        )}
      </div>

      {list.isOwner && <ListSettings list={list} onDeleted={() => router.push('/lists')} />}

      <p className="sr-only" aria-live="polite" style={{ position: 'absolute', left: -9999 }}>
        {announce}
      </p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}

      {entries.length === 0 ? (
        <div className="empty">
          This list is empty. Add movies with “Lists” on any movie card, or “+ List” on a movie’s page.
        </div>
      ) : (
        <ol className="list-rows" data-testid="list-entries">
          {entries.map((e, k) => (
            <li
              key={e.movieId}
              className="list-row"
              data-testid="list-entry"
              data-movie-id={e.movieId}
              data-dragging={dragFrom === k}
              data-over={over === k && dragFrom !== k}
              draggable={list.isOwner}
              onDragStart={(ev) => {
                setDragFrom(k);
                ev.dataTransfer.effectAllowed = 'move';
                ev.dataTransfer.setData('text/plain', String(e.movieId));
              }}
              onDragOver={(ev) => {
                if (dragFrom === null) return;
                ev.preventDefault();
                setOver(k);
              }}
              onDrop={(ev) => {
                ev.preventDefault();
                if (dragFrom !== null) moveTo(dragFrom, k);
                setDragFrom(null);
                setOver(null);
              }}
              onDragEnd={() => {
                setDragFrom(null);
                setOver(null);
              }}
            >
              {list.isOwner ? (
                <button
                  type="button"
                  className="drag-handle"
                  ref={(el) => {
                    handles.current[k] = el;
                  }}
                  aria-label={`${letterboxdTitle(e.title)}, position ${k + 1} of ${entries.length}. Use the up and down arrow keys to move it.`}
                  aria-keyshortcuts="ArrowUp ArrowDown Home End"
                  onKeyDown={(ev) => {
                    const to =
                      ev.key === 'ArrowUp'
                        ? k - 1
                        : ev.key === 'ArrowDown'
                          ? k + 1
                          : ev.key === 'Home'
                            ? 0
                            : ev.key === 'End'
                              ? entries.length - 1
                              : null;
                    if (to === null) return;
                    ev.preventDefault();
                    moveTo(k, to);
                  }}
                >
                  ⠿ {k + 1}
                </button>
              ) : (
                <span className="muted">{k + 1}</span>
              )}
              <Link href={`/movies/${e.movieId}`} tabIndex={-1} aria-hidden className="list-row-poster">
                <Poster movieId={e.movieId} title={e.title} />
              </Link>
              <div>
                <Link href={`/movies/${e.movieId}`} className="card-title">
                  {letterboxdTitle(e.title)}
                </Link>{' '}
                <span className="muted small">
                  {e.year ?? ''}
                  {e.runtime ? ` · ${e.runtime} min` : ''}
                </span>
                <div className="predicted" data-testid="list-entry-prediction">
                  {e.rating !== null
                    ? `You rated ★ ${e.rating.toFixed(1)}`
                    : e.predicted !== null
                      ? `Predicted for you: ★ ${e.predicted.toFixed(1)}`
                      : ''}
                </div>
                {e.note && (
                  <div className="small" style={{ whiteSpace: 'pre-wrap' }}>
                    {e.note}
                  </div>
                )}
              </div>
              {list.isOwner && (
                <div className="list-row-extra">
                  <button
                    type="button"
                    className="btn btn-ghost"
                    onClick={() => remove(e.movieId)}
                    aria-label={`Remove ${letterboxdTitle(e.title)} from the list`}
                  >
                    Remove
                  </button>
                </div>
              )}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

function ListSettings({ list, onDeleted }: { list: ListDetail; onDeleted: () => void }) {
  const router = useRouter();
  const [name, setName] = useState(list.name);
  const [description, setDescription] = useState(list.description);
  const [isPublic, setIsPublic] = useState(list.isPublic);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, start] = useTransition();
  return (
    <details className="settings-section" data-testid="list-settings">
      <summary>Edit list</summary>
      <form
        className="form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          start(async () => {
            const res = await updateListAction({ listId: list.id, name, description, isPublic });
            setMessage(res.ok ? { ok: true, text: 'Saved.' } : { ok: false, text: res.fieldErrors?.name ?? res.error });
            if (res.ok) router.refresh();
          });
        }}
      >
        <div className="field">
          <label htmlFor="edit-list-name">Name</label>
          <input
            id="edit-list-name"
            className="input"
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={120}
          />
        </div>
        <div className="field">
          <label htmlFor="edit-list-description">Description</label>
          <textarea
            id="edit-list-description"
            className="input"
            rows={3}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            maxLength={2000}
          />
        </div>
        <label style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
          <input
            type="checkbox"
            checked={isPublic}
            onChange={(e) => setIsPublic(e.target.checked)}
            data-testid="list-public"
          />
          Public: anyone with the link can read it
        </label>
        {message && (
          <p className={message.ok ? 'form-ok' : 'form-error'} role={message.ok ? 'status' : 'alert'}>
            {message.text}
          </p>
        )}
        <div className="actions-row">
          <button className="btn btn-primary" type="submit" disabled={pending}>
            Save
          </button>
          <button
            type="button"
            className="btn btn-danger"
            disabled={pending}
            onClick={() => {
              if (!window.confirm(`Delete the list “${list.name}”? The movies stay in Reel.`)) return;
              start(async () => {
                const res = await deleteListAction({ listId: list.id });
                if (res.ok) onDeleted();
                else setMessage({ ok: false, text: res.error });
              });
            }}
          >
            Delete list
          </button>
        </div>
      </form>
    </details>
  );
}

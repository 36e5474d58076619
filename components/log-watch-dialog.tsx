'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useState, useTransition, type FormEvent } from 'react';
import { movieKeys } from '@/lib/queries/keys';
import { browserTimeZone, EARLIEST_WATCH_DATE, todayIn, type WatchDto } from '@/lib/validation/history';
import type { ActionResult } from '@/lib/validation/action-result';
import { deleteWatchAction, logWatchAction, updateWatchAction, type SavedWatch } from '@/app/(main)/diary/actions';
import './history.css';

const RATING_OPTIONS = [5, 4.5, 4, 3.5, 3, 2.5, 2, 1.5, 1, 0.5];

export function formatDay(iso: string): string {
  return new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

export function starsText(v: number): string {
  return `★ ${v.toFixed(1)}`;
}

interface FormValues {
  watchedOn: string;
  rating: string;
  rewatch: boolean;
}

/** The date / rating / rewatch form, used to log a new watch and to edit one. Keeps what was typed on an error. */
function WatchForm({
  initial,
  submitLabel,
  onSubmit,
  onCancel,
  testId,
}: {
  initial: FormValues;
  submitLabel: string;
  onSubmit: (v: FormValues) => Promise<ActionResult<SavedWatch> | ActionResult>;
  onCancel: () => void;
  testId: string;
}) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  // Only rendered after a click (never on the server), so the browser's today is safe to read here.
  const [today] = useState(() => todayIn(browserTimeZone()));

  function submit(e: FormEvent) {
    e.preventDefault();
    startTransition(async () => {
      const res = await onSubmit(values);
      if (res.ok) return;
      setErrors(res.fieldErrors ?? {});
      setFormError(res.fieldErrors && Object.keys(res.fieldErrors).length > 0 ? null : res.error);
    });
  }
  const id = (f: string) => `${testId}-${f}`;
  return (
    <form className="watch-form" onSubmit={submit} data-testid={testId} noValidate>
      <div className="field">
        <label htmlFor={id('date')}>Watched on</label>
        <input
          id={id('date')}
          name="watchedOn"
          type="date"
          min={EARLIEST_WATCH_DATE}
          max={today}
          required
          value={values.watchedOn}
          aria-invalid={errors.watchedOn ? true : undefined}
          aria-describedby={errors.watchedOn ? id('date-error') : undefined}
          onChange={(e) => setValues({ ...values, watchedOn: e.target.value })}
        />
        {errors.watchedOn && (
          <span className="field-error" id={id('date-error')} role="alert">
            {errors.watchedOn}
          </span>
        )}
      </div>
      <div className="field">
        <label htmlFor={id('rating')}>Rating</label>
        <select
          id={id('rating')}
          name="rating"
          value={values.rating}
          onChange={(e) => setValues({ ...values, rating: e.target.value })}
        >
          <option value="">No rating</option>
          {RATING_OPTIONS.map((v) => (
            <option key={v} value={String(v)}>
              {starsText(v)}
            </option>
          ))}
        </select>
        {errors.rating && (
          <span className="field-error" role="alert">
            {errors.rating}
          </span>
        )}
      </div>
      <label className="check">
        <input
          type="checkbox"
          name="rewatch"
          checked={values.rewatch}
          onChange={(e) => setValues({ ...values, rewatch: e.target.checked })}
        />
        I had seen it before (rewatch)
      </label>
      <div className="watch-form-actions">
        <button type="submit" className="btn btn-primary" disabled={pending}>
          {pending ? 'Saving…' : submitLabel}
        </button>
        <button type="button" className="btn btn-ghost" onClick={onCancel} disabled={pending}>
          Cancel
        </button>
      </div>
      {formError && (
        <p className="form-error" role="alert">
          {formError}
        </p>
      )}
    </form>
  );
}

/**
 * "Watched": log a viewing of this movie (date, optional rating, rewatch) and see, edit or delete your viewings of it.
 * A logged watch also takes the movie off the watchlist and can set your rating, so those widgets are updated too.
 */
export function LogWatchDialog({
  movieId,
  title,
  initialWatches,
}: {
  movieId: number;
  title: string;
  initialWatches: WatchDto[];
}) {
  const qc = useQueryClient();
  const [watches, setWatches] = useState(initialWatches);
  const [mode, setMode] = useState<{ kind: 'closed' } | { kind: 'new' } | { kind: 'edit'; id: number }>({
    kind: 'closed',
  });
  const [confirming, setConfirming] = useState<number | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const [deleting, startDelete] = useTransition();

  const sorted = [...watches].sort((a, b) => b.watchedOn.localeCompare(a.watchedOn) || b.id - a.id);
  const afterSave = (saved: SavedWatch) => {
    qc.setQueryData(movieKeys.rating(movieId), saved.currentRating);
    qc.setQueryData(movieKeys.watchlist(movieId), false);
  };
  const input = (v: FormValues) => ({
    watchedOn: v.watchedOn,
    rating: v.rating === '' ? null : Number(v.rating),
    rewatch: v.rewatch,
    timeZone: browserTimeZone(),
  });

  return (
    <div className="detail-section watch-history" data-testid="watch-history">
      <h2>Your viewings</h2>
      {status && (
        <p className="ok-note small" role="status" data-testid="watch-status">
          {status}
        </p>
      )}
      {mode.kind === 'new' ? (
        <WatchForm
          testId="log-watch-form"
          submitLabel="Save to diary"
          initial={{ watchedOn: todayIn(browserTimeZone()), rating: '', rewatch: watches.length > 0 }}
          onCancel={() => setMode({ kind: 'closed' })}
          onSubmit={async (v) => {
            const res = await logWatchAction({ movieId, ...input(v) });
            if (res.ok) {
              setWatches((w) => [...w, res.data.watch]);
              afterSave(res.data);
              setMode({ kind: 'closed' });
              setStatus(`Logged: watched ${formatDay(res.data.watch.watchedOn)}.`);
            }
            return res;
          }}
        />
      ) : (
        <button
          type="button"
          className="btn"
          data-testid="log-watch"
          onClick={() => (setMode({ kind: 'new' }), setStatus(null))}
        >
          <span aria-hidden="true">✓ </span>Watched…<span className="sr-only"> (log a viewing of {title})</span>
        </button>
      )}
      {sorted.length === 0 ? (
        <p className="muted small">You have not logged a viewing of this film yet.</p>
      ) : (
        <ul className="watch-list" data-testid="watch-list">
          {sorted.map((w) =>
            mode.kind === 'edit' && mode.id === w.id ? (
              <li key={w.id}>
                <WatchForm
                  testId="edit-watch-form"
                  submitLabel="Save changes"
                  initial={{
                    watchedOn: w.watchedOn,
                    rating: w.rating === null ? '' : String(w.rating),
                    rewatch: w.rewatch,
                  }}
                  onCancel={() => setMode({ kind: 'closed' })}
                  onSubmit={async (v) => {
                    const res = await updateWatchAction({ watchId: w.id, ...input(v) });
                    if (res.ok) {
                      setWatches((all) => all.map((x) => (x.id === w.id ? res.data.watch : x)));
                      afterSave(res.data);
                      setMode({ kind: 'closed' });
                      setStatus('Diary entry updated.');
                    }
                    return res;
                  }}
                />
              </li>
            ) : (
              <li key={w.id} data-testid="watch-entry" data-watched-on={w.watchedOn}>
                <span className="watch-date">{formatDay(w.watchedOn)}</span>
                {w.rating !== null && <span className="watch-rating">{starsText(w.rating)}</span>}
                {w.rewatch && (
                  <span className="chip" title="Rewatch">
                    ↻ rewatch
                  </span>
                )}
                <span className="watch-entry-actions">
                  {confirming === w.id ? (
                    <>
                      <span className="small">Delete this viewing? Your rating stays.</span>
                      <button
                        type="button"
                        className="btn small danger"
                        data-testid="confirm-delete-watch"
                        disabled={deleting}
                        onClick={() =>
                          startDelete(async () => {
                            const res = await deleteWatchAction({ watchId: w.id });
                            if (!res.ok) {
                              setDeleteError(res.error);
                              return;
                            }
                            setDeleteError(null);
                            setWatches((all) => all.filter((x) => x.id !== w.id));
                            setConfirming(null);
                            setStatus(`Deleted the viewing of ${formatDay(w.watchedOn)}.`);
                          })
                        }
                      >
                        Delete
                      </button>
                      <button type="button" className="btn btn-ghost small" onClick={() => setConfirming(null)}>
                        Keep
                      </button>
                    </>
                  ) : (
                    <>
                      <button
                        type="button"
                        className="btn btn-ghost small"
                        data-testid="edit-watch"
                        onClick={() => (setMode({ kind: 'edit', id: w.id }), setStatus(null))}
                      >
                        Edit
                      </button>
                      <button
                        type="button"
                        className="btn btn-ghost small"
                        data-testid="delete-watch"
                        onClick={() => (setConfirming(w.id), setDeleteError(null))}
                      >
                        Delete
                      </button>
                    </>
                  )}
                </span>
              </li>
            ),
          )}
        </ul>
      )}
      {deleteError && (
        <p className="field-error" role="alert">
          {deleteError}
        </p>
      )}
    </div>
  );
}

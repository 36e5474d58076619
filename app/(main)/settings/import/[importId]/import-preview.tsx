'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { letterboxdTitle } from '@/lib/import/match';
import type { ImportJobDto, ImportSummary, PreviewMovie, PreviewRow } from '@/lib/import/preview-types';
import type { ImportList, ImportSource, MalformedRow } from '@/lib/import/types';
import { confirmImportAction } from '../actions';
import { ImportJobProgress } from '../import-job';

interface Slice<T> {
  rows: T[];
  total: number;
}

export interface PreviewView {
  id: number;
  fileName: string;
  status: 'PREVIEW' | 'APPLYING' | 'APPLIED';
  /** The confirm's background job (large files): running, or the last one that failed. */
  job: ImportJobDto | null;
  source: ImportSource;
  summary: ImportSummary | null;
  lists: (ImportList & { exists: boolean })[];
  warnings: string[];
  movies: Record<number, PreviewMovie>;
  counts: {
    rows: number;
    matched: number;
    ambiguous: number;
    unmatched: number;
    conflicts: number;
    same: number;
    malformed: number;
    byKind: Record<'rating' | 'watch' | 'watchlist' | 'like' | 'list', number>;
  };
  matched: Slice<PreviewRow>;
  ambiguous: Slice<PreviewRow>;
  conflicts: Slice<PreviewRow>;
  unmatched: Slice<PreviewRow>;
  malformed: Slice<MalformedRow>;
}

const SOURCE: Record<ImportSource, string> = { letterboxd: 'Letterboxd', imdb: 'IMDb', movielens: 'MovieLens' };
const KIND: Record<PreviewRow['kind'], string> = {
  rating: 'Rating',
  watch: 'Watched',
  watchlist: 'Watchlist',
  like: 'Like',
  list: 'List',
};

function movieLabel(m: PreviewMovie | undefined): string {
  return m ? `${letterboxdTitle(m.title)}${m.year ? ` (${m.year})` : ''}` : 'unknown';
}

function what(row: PreviewRow, lists: PreviewView['lists']): string {
  if (row.kind === 'rating') return `${row.rating?.toFixed(1)} ★`;
  if (row.kind === 'list') return `${lists[row.list ?? 0]?.name ?? 'list'} #${row.position}`;
  if (row.kind === 'watch') return row.rewatch ? 'rewatched' : 'watched';
  return KIND[row.kind];
}

function More({ slice }: { slice: Slice<unknown> }) {
  return slice.total > slice.rows.length ? (
    <p className="muted small">…and {slice.total - slice.rows.length} more (imported the same way).</p>
  ) : null;
}

export function ImportPreview({ view }: { view: PreviewView }) {
  const router = useRouter();
  const [conflicts, setConflicts] = useState<'keep' | 'replace'>('keep');
  const [perRow, setPerRow] = useState<Record<string, 'keep' | 'replace'>>({});
  const [picks, setPicks] = useState<Record<string, number>>({});
  const failedJob = view.status === 'PREVIEW' && view.job?.phase === 'failed' ? view.job.error : null;
  const [error, setError] = useState<string | null>(failedJob);
  const [summary, setSummary] = useState<ImportSummary | null>(view.summary);
  const [job, setJob] = useState<ImportJobDto | null>(view.status === 'APPLYING' ? view.job : null);
  const [pending, start] = useTransition();
  const applied = view.status === 'APPLIED' || summary !== null;
  const c = view.counts;

  function confirm() {
    setError(null);
    start(async () => {
      const res = await confirmImportAction({ importId: view.id, conflicts, perRow, picks });
      if (!res.ok) {
        setError(res.error);
        return;
      }
      if (res.data.queued) {
        setJob(res.data.job); // a large file: the worker writes it; the bar follows it
        return;
      }
      setSummary(res.data.summary);
      router.refresh();
    });
  }

  function jobEnded(ended: ImportJobDto) {
    setJob(null);
    if (ended.status === 'APPLIED' && ended.summary) setSummary(ended.summary);
    else setError(ended.error ?? 'The import failed; nothing was written. Try again.');
    router.refresh();
  }

  const choiceFor = (row: PreviewRow) => perRow[String(row.i)] ?? conflicts;

  return (
    <div data-testid="import-preview">
      <h1>{applied ? 'Import done' : job ? 'Importing…' : 'Check your import'}</h1>
      <p className="muted">
        {SOURCE[view.source]} · {view.fileName} · {c.rows} rows
        {c.byKind.rating ? ` · ${c.byKind.rating} ratings` : ''}
        {c.byKind.watch ? ` · ${c.byKind.watch} watches` : ''}
        {c.byKind.watchlist ? ` · ${c.byKind.watchlist} watchlist` : ''}
        {c.byKind.like ? ` · ${c.byKind.like} likes` : ''}
        {view.lists.length ? ` · ${view.lists.length} list${view.lists.length > 1 ? 's' : ''}` : ''}
      </p>

      {summary ? (
        <section className="settings-section" data-testid="import-summary" aria-live="polite">
          <h2>What changed</h2>
          <ul className="counts">
            <li>
              <strong>{summary.ratingsAdded}</strong> ratings added
            </li>
            <li>
              <strong>{summary.ratingsReplaced}</strong> ratings replaced
            </li>
            <li>
              <strong>{summary.ratingsKept + summary.ratingsUnchanged}</strong> ratings kept as they were
            </li>
            <li>
              <strong>{summary.watchlistAdded}</strong> added to watchlist
            </li>
            <li>
              <strong>{summary.listsCreated}</strong> lists created
            </li>
            <li>
              <strong>{summary.listItemsAdded}</strong> list entries added
            </li>
          </ul>
          <p data-testid="history-imported">
            <strong>{summary.watchesAdded}</strong> watches, <strong>{summary.likesAdded}</strong> likes imported into{' '}
            <Link href="/diary">your diary</Link> and <Link href="/likes">likes</Link>.
          </p>
          <p className="muted small">
            Skipped: {summary.skipped} ambiguous without a pick, {summary.unmatched} not in the catalogue,{' '}
            {summary.malformed} unreadable rows
            {summary.watchesOutOfRange
              ? `, ${summary.watchesOutOfRange} diary entries dated before 1870 or in the future`
              : ''}
            .
          </p>
          <p>
            <Link href="/for-you">See your For You</Link> · <Link href="/ratings">My ratings</Link> ·{' '}
            <Link href="/diary">Diary</Link> · <Link href="/lists">Lists</Link>
          </p>
        </section>
      ) : (
        <ul className="counts" data-testid="import-counts">
          <li data-testid="count-matched">
            <strong>{c.matched}</strong> matched
          </li>
          <li data-testid="count-ambiguous">
            <strong>{c.ambiguous}</strong> ambiguous
          </li>
          <li data-testid="count-unmatched">
            <strong>{c.unmatched}</strong> not found
          </li>
          <li data-testid="count-conflicts">
            <strong>{c.conflicts}</strong> conflicting
          </li>
          <li data-testid="count-malformed">
            <strong>{c.malformed}</strong> unreadable
          </li>
          <li>
            <strong>{c.same}</strong> already in Reel
          </li>
        </ul>
      )}

      {view.warnings.length > 0 && (
        <div className="notice small" data-testid="import-warnings">
          {view.warnings.map((w) => (
            <div key={w}>{w}</div>
          ))}
        </div>
      )}

      {!applied && !job && view.ambiguous.total > 0 && (
        <section className="preview-section" data-testid="ambiguous-rows">
          <h2>
            Which film did you mean? <span className="muted small">Rows without a pick are skipped.</span>
          </h2>
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th>Line</th>
                  <th>In the file</th>
                  <th></th>
                  <th>Reel film</th>
                </tr>
              </thead>
              <tbody>
                {view.ambiguous.rows.map((row) => (
                  <tr key={row.i} data-line={row.line}>
                    <td>
                      {row.file}:{row.line}
                    </td>
                    <td>
                      {row.title}
                      {row.year ? ` (${row.year})` : ''}
                    </td>
                    <td>{what(row, view.lists)}</td>
                    <td>
                      <select
                        aria-label={`Film for ${row.title} on line ${row.line}`}
                        value={picks[String(row.i)] ?? ''}
                        onChange={(e) =>
                          setPicks((p) => {
                            const next = { ...p };
                            if (e.target.value) next[String(row.i)] = Number(e.target.value);
                            else delete next[String(row.i)];
                            return next;
                          })
                        }
                      >
                        <option value="">Skip this row</option>
                        {row.candidates?.map((id) => (
                          <option key={id} value={id}>
                            {movieLabel(view.movies[id])} · #{id}
                          </option>
                        ))}
                      </select>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <More slice={view.ambiguous} />
        </section>
      )}

      {!applied && !job && view.conflicts.total > 0 && (
        <section className="preview-section" data-testid="conflict-rows">
          <h2>
            Different from your rating
            <span className="segmented" role="radiogroup" aria-label="For every conflicting rating">
              {(['keep', 'replace'] as const).map((v) => (
                <label key={v}>
                  <input
                    type="radio"
                    name="conflicts-all"
                    value={v}
                    checked={conflicts === v}
                    onChange={() => {
                      setConflicts(v);
                      setPerRow({});
                    }}
                  />
                  {v === 'keep' ? 'Keep all mine' : 'Replace all'}
                </label>
              ))}
            </span>
          </h2>
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th>Line</th>
                  <th>Film</th>
                  <th>Yours</th>
                  <th>File</th>
                  <th>Keep or replace</th>
                </tr>
              </thead>
              <tbody>
                {view.conflicts.rows.map((row) => (
                  <tr key={row.i} data-line={row.line}>
                    <td>{row.line}</td>
                    <td>{movieLabel(view.movies[row.movieId!])}</td>
                    <td>{row.existing?.toFixed(1)} ★</td>
                    <td>{row.rating?.toFixed(1)} ★</td>
                    <td>
                      <span className="segmented" role="radiogroup" aria-label={`Line ${row.line}`}>
                        {(['keep', 'replace'] as const).map((v) => (
                          <label key={v}>
                            <input
                              type="radio"
                              name={`conflict-${row.i}`}
                              value={v}
                              checked={choiceFor(row) === v}
                              onChange={() => setPerRow((p) => ({ ...p, [String(row.i)]: v }))}
                            />
                            {v === 'keep' ? 'Keep' : 'Replace'}
                          </label>
                        ))}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <More slice={view.conflicts} />
        </section>
      )}

      {!applied && job && <ImportJobProgress key={job.id} initial={job} onEnd={jobEnded} />}

      {!applied && !job && (
        <div className="confirm-bar">
          <button
            className="btn btn-primary"
            type="button"
            onClick={confirm}
            disabled={pending}
            data-testid="confirm-import"
          >
            {pending ? 'Importing…' : 'Confirm import'}
          </button>
          <span className="muted small">
            Everything is written at once; if anything fails, nothing changes. The rows below are imported or left out
            as shown.
          </span>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
        </div>
      )}

      {view.malformed.total > 0 && (
        <section className="preview-section" data-testid="malformed-rows">
          <h2>
            Rows that could not be read{' '}
            <span className="muted small">Fix them in the file and import it again; the rest imports now.</span>
          </h2>
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th>File</th>
                  <th>Line</th>
                  <th>Problem</th>
                </tr>
              </thead>
              <tbody>
                {view.malformed.rows.map((m) => (
                  <tr key={`${m.file}:${m.line}:${m.reason}`}>
                    <td>{m.file}</td>
                    <td>{m.line}</td>
                    <td>{m.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <More slice={view.malformed} />
        </section>
      )}

      {view.unmatched.total > 0 && (
        <section className="preview-section" data-testid="unmatched-rows">
          <h2>
            Not in Reel’s catalogue <span className="muted small">These are left out.</span>
          </h2>
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th>Line</th>
                  <th>In the file</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                {view.unmatched.rows.map((row) => (
                  <tr key={row.i}>
                    <td>
                      {row.file}:{row.line}
                    </td>
                    <td>
                      {row.title}
                      {row.year ? ` (${row.year})` : ''}
                    </td>
                    <td>{what(row, view.lists)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <More slice={view.unmatched} />
        </section>
      )}

      {view.matched.total > 0 && (
        <section className="preview-section" data-testid="matched-rows">
          <h2>Matched</h2>
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th>Line</th>
                  <th>In the file</th>
                  <th>Reel film</th>
                  <th></th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                {view.matched.rows.map((row) => (
                  <tr key={row.i}>
                    <td>
                      {row.file}:{row.line}
                    </td>
                    <td>
                      {row.title}
                      {row.year ? ` (${row.year})` : ''}
                    </td>
                    <td>
                      <Link href={`/movies/${row.movieId}`}>{movieLabel(view.movies[row.movieId!])}</Link>
                    </td>
                    <td>
                      {what(row, view.lists)}
                      {row.date ? ` · ${row.date}` : ''}
                    </td>
                    <td className="muted small">
                      {row.state === 'same'
                        ? 'already in Reel'
                        : row.kind === 'watch'
                          ? 'diary entry'
                          : row.kind === 'like'
                            ? 'like'
                            : 'new'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <More slice={view.matched} />
        </section>
      )}
    </div>
  );
}

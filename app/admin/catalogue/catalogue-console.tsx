'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { GROUPLENS_RELEASES, type CatalogueImportDto, type ImportIssueDto } from '@/lib/validation/admin-catalogue';
import { applyCatalogueAction, cancelImportAction, previewCatalogueAction, retrainNowAction } from './actions';

const ACCEPTED = [
  'movies.csv',
  'links.csv',
  'tags.csv',
  'ratings.csv',
  'movies_metadata.csv',
  'credits.csv',
  'keywords.csv',
];
/** Rejected rows listed on the page (the CSV has every one). */
const SHOWN_REJECTS = 20;
const RELEASE_URL = (r: string) => `https://files.grouplens.org/datasets/movielens/${r}.zip`;

/** Any action's result: only ok and the message are read here. */
type Loose = { ok: boolean; error?: string; fieldErrors?: Record<string, string> };

const n = (v: unknown) => (typeof v === 'number' ? v.toLocaleString('en') : '—');
const when = (iso: string | null) =>
  iso ? new Date(iso).toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'medium' }) : '—';
const isActive = (j: CatalogueImportDto) => j.status === 'QUEUED' || j.status === 'RUNNING';

function duration(j: CatalogueImportDto): string {
  if (!j.startedAt) return '—';
  const s = ((j.finishedAt ? Date.parse(j.finishedAt) : Date.now()) - Date.parse(j.startedAt)) / 1000;
  return s < 90 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** PUT one file to the upload route with progress (fetch has no upload progress). */
function uploadFile(
  file: File,
  uploadId: string | null,
  onProgress: (loaded: number) => void,
): Promise<{ uploadId: string }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const qs = new URLSearchParams({ name: file.name, ...(uploadId ? { uploadId } : {}) });
    xhr.open('PUT', `/api/admin/catalogue/upload?${qs}`);
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      let body: { uploadId?: string; error?: string } = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = { error: `The upload of ${file.name} failed (${xhr.status}).` };
      }
      if (xhr.status >= 200 && xhr.status < 300 && body.uploadId) resolve({ uploadId: body.uploadId });
      else reject(new Error(body.error ?? `The upload of ${file.name} failed (${xhr.status}).`));
    };
    xhr.onerror = () => reject(new Error(`The upload of ${file.name} failed: the connection dropped.`));
    xhr.send(file);
  });
}

export function CatalogueConsole({
  initial,
  serverFolder,
}: {
  initial: CatalogueImportDto[];
  serverFolder: string | null;
}) {
  const jobs = useQuery({
    queryKey: ['admin', 'catalogue-imports'],
    queryFn: async (): Promise<CatalogueImportDto[]> => {
      const res = await fetch('/api/admin/catalogue/imports', { cache: 'no-store' });
      if (!res.ok) throw new Error(`status ${res.status}`);
      return (await res.json()).imports;
    },
    initialData: initial,
    refetchInterval: (q) => (q.state.data?.some(isActive) ? 1000 : 10_000),
  });
  const imports = jobs.data;
  const active = imports.find(isActive) ?? null;
  const preview = imports.find((j) => j.kind === 'PREVIEW' && j.status === 'SUCCEEDED') ?? null;
  const lastApply = imports.find((j) => j.kind === 'APPLY' && !isActive(j)) ?? null;
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const run = useMutation({
    mutationFn: async (fn: () => Promise<Loose>) => fn(),
    onSuccess: (res, _vars) => {
      if (!res.ok) setMessage({ ok: false, text: res.error ?? 'That did not work.' });
      void jobs.refetch();
    },
    onError: (err) => setMessage({ ok: false, text: err instanceof Error ? err.message : String(err) }),
  });

  return (
    <>
      {message && (
        <p className={message.ok ? 'notice' : 'form-error'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
      <SourceForm
        serverFolder={serverFolder}
        busy={run.isPending || active !== null}
        onPreview={(fn) => {
          setMessage(null);
          run.mutate(fn);
        }}
        onError={(text) => setMessage({ ok: false, text })}
      />
      {active && (
        <JobProgress job={active} onCancel={() => run.mutate(() => cancelImportAction({ importId: active.id }))} />
      )}
      <Announcer job={active ?? imports[0] ?? null} />
      {preview && !active && (
        <PreviewPanel
          preview={preview}
          applied={imports.some((j) => j.kind === 'APPLY' && j.previewId === preview.id && j.status === 'SUCCEEDED')}
          filesRemovedBy={
            preview.source?.type === 'server'
              ? null
              : (imports.find((j) => j.kind === 'APPLY' && j.previewId === preview.id && !isActive(j)) ?? null)
          }
          busy={run.isPending}
          onApply={(maxRejectPercent) => {
            setMessage(null);
            run.mutate(() => applyCatalogueAction({ previewId: preview.id, maxRejectPercent }));
          }}
        />
      )}
      {lastApply && !active && (
        <LastReload
          job={lastApply}
          busy={run.isPending}
          onRetrain={() =>
            run.mutate(async () => {
              const res = await retrainNowAction({});
              if (res.ok)
                setMessage({
                  ok: true,
                  text: `Model version ${res.data.versionId} queued: follow it on the Models tab.`,
                });
              return res;
            })
          }
        />
      )}
      <AuditLog imports={imports} />
    </>
  );
}

function SourceForm({
  serverFolder,
  busy,
  onPreview,
  onError,
}: {
  serverFolder: string | null;
  busy: boolean;
  onPreview: (fn: () => Promise<Loose>) => void;
  onError: (text: string) => void;
}) {
  const [source, setSource] = useState<'upload' | 'server' | 'url'>('upload');
  const [files, setFiles] = useState<File[]>([]);
  const [uploaded, setUploaded] = useState<{ done: number; total: number } | null>(null);
  const [url, setUrl] = useState(RELEASE_URL('ml-latest-small'));
  const [sha, setSha] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setFieldError(null);
    if (source === 'server') return onPreview(() => previewCatalogueAction({ source: 'server' }));
    if (source === 'url') {
      return onPreview(async () => {
        const res = await previewCatalogueAction({ source: 'url', url, sha256: sha });
        if (!res.ok) setFieldError(res.fieldErrors?.url ?? res.fieldErrors?.sha256 ?? res.error ?? null);
        return res;
      });
    }
    const wrong = files.filter(
      (f) => !ACCEPTED.includes(f.name.toLowerCase()) && !f.name.toLowerCase().endsWith('.zip'),
    );
    if (files.length === 0)
      return setFieldError('Choose movies.csv and links.csv (and any of the optional files), or one zip.');
    if (wrong.length)
      return setFieldError(
        `${wrong.map((f) => f.name).join(', ')}: not a catalogue file. Expected ${ACCEPTED.join(', ')} or a .zip.`,
      );
    if (!files.some((f) => f.name.toLowerCase() === 'movies.csv' || f.name.toLowerCase().endsWith('.zip'))) {
      return setFieldError('movies.csv is missing: it is the one file a catalogue needs.');
    }
    const total = files.reduce((s, f) => s + f.size, 0);
    let before = 0;
    let uploadId: string | null = null;
    try {
      for (const f of files) {
        ({ uploadId } = await uploadFile(f, uploadId, (loaded) => setUploaded({ done: before + loaded, total })));
        before += f.size;
      }
    } catch (err) {
      setUploaded(null);
      return onError((err as Error).message);
    }
    setUploaded(null);
    const id = uploadId!;
    onPreview(() => previewCatalogueAction({ source: 'upload', uploadId: id }));
  }

  return (
    <form className="admin-panel detail-section" onSubmit={submit} data-testid="catalogue-source">
      <h2 style={{ margin: 0 }}>1. Choose the files</h2>
      <fieldset className="admin-sources">
        <legend className="sr-only">Where the catalogue comes from</legend>
        {(
          [
            ['upload', 'Upload files'],
            ['server', 'Server folder'],
            ['url', 'GroupLens release'],
          ] as const
        ).map(([value, label]) => (
          <label key={value}>
            <input
              type="radio"
              name="source"
              value={value}
              checked={source === value}
              onChange={() => setSource(value)}
            />{' '}
            {label}
          </label>
        ))}
      </fieldset>
      {source === 'upload' && (
        <div className="field">
          <label htmlFor="catalogue-files">
            MovieLens movies.csv, links.csv (tags.csv, ratings.csv optional); TMDB movies_metadata.csv, credits.csv,
            keywords.csv; or one .zip
          </label>
          <input
            id="catalogue-files"
            type="file"
            multiple
            accept=".csv,.zip"
            aria-invalid={fieldError ? true : undefined}
            aria-describedby={fieldError ? 'source-error' : undefined}
            onChange={(e) => setFiles(Array.from(e.target.files ?? []))}
          />
          {uploaded && (
            <div
              role="progressbar"
              aria-label="Upload"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.round((uploaded.done / Math.max(1, uploaded.total)) * 100)}
              className="admin-progress"
            >
              <div style={{ width: `${(uploaded.done / Math.max(1, uploaded.total)) * 100}%` }} />
            </div>
          )}
        </div>
      )}
      {source === 'server' && (
        <p className="small" data-testid="server-folder">
          {serverFolder ? (
            <>
              Reads <code>{serverFolder}</code> (DATA_DIR).
            </>
          ) : (
            <span className="admin-bad">The server has no data folder: set DATA_DIR.</span>
          )}
        </p>
      )}
      {source === 'url' && (
        <div className="admin-row">
          <div className="field">
            <label htmlFor="release">Release</label>
            <select
              id="release"
              className="input"
              onChange={(e) => setUrl(RELEASE_URL(e.target.value))}
              defaultValue="ml-latest-small"
            >
              {GROUPLENS_RELEASES.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </div>
          <div className="field" style={{ flexBasis: 360 }}>
            <label htmlFor="release-url">URL</label>
            <input
              id="release-url"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              aria-invalid={fieldError ? true : undefined}
            />
          </div>
          <div className="field" style={{ flexBasis: 300 }}>
            <label htmlFor="release-sha">sha256 (optional)</label>
            <input
              id="release-sha"
              value={sha}
              onChange={(e) => setSha(e.target.value)}
              placeholder="64 hex characters"
              spellCheck={false}
            />
          </div>
        </div>
      )}
      {fieldError && (
        <p className="field-error" id="source-error" role="alert">
          {fieldError}
        </p>
      )}
      <div>
        <button className="btn btn-primary" type="submit" disabled={busy} data-testid="dry-run">
          Dry run
        </button>{' '}
        <span className="small muted">Nothing changes until you apply.</span>
      </div>
    </form>
  );
}

function JobProgress({ job, onCancel }: { job: CatalogueImportDto; onCancel: () => void }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const pct = job.rowsTotal > 0 ? Math.min(100, Math.round((job.rowsDone / job.rowsTotal) * 100)) : 0;
  const elapsed = job.phaseStartedAt ? (now - Date.parse(job.phaseStartedAt)) / 1000 : 0;
  const rate = elapsed > 0.5 ? job.rowsDone / elapsed : 0;
  const eta = rate > 0 && job.rowsTotal > job.rowsDone ? Math.ceil((job.rowsTotal - job.rowsDone) / rate) : null;
  const what = job.kind === 'PREVIEW' ? 'Dry run' : 'Reload';
  return (
    <section
      className="admin-panel detail-section"
      data-testid="reload-progress"
      data-job={job.id}
      data-phase={job.phase ?? ''}
    >
      <div className="page-head" style={{ margin: 0 }}>
        <div>
          <b>
            {what} #{job.id}
          </b>{' '}
          <span className="chip">{job.status === 'QUEUED' ? 'waiting for the worker' : (job.phase ?? 'starting')}</span>
        </div>
        <button
          className="btn"
          type="button"
          onClick={onCancel}
          disabled={job.cancelRequested}
          data-testid="cancel-reload"
        >
          {job.cancelRequested ? 'Cancelling…' : 'Cancel'}
        </button>
      </div>
      <div
        role="progressbar"
        aria-label={`${what}: ${job.phase ?? 'waiting'}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        className="admin-progress"
      >
        <div style={{ width: `${pct}%` }} />
      </div>
      <p className="small muted" style={{ margin: 0 }}>
        {job.rowsTotal > 0 ? `${n(job.rowsDone)} of ${n(job.rowsTotal)} rows (${pct} %)` : 'counting rows…'}
        {rate > 0 && ` · ${n(Math.round(rate))} rows/s`}
        {eta !== null && ` · about ${eta < 90 ? `${eta} s` : `${Math.round(eta / 60)} min`} left in this phase`}
        {' · '}it keeps running if you close this tab.
      </p>
    </section>
  );
}

/** Tells screen readers about phase changes and the outcome, not every percent. */
function Announcer({ job }: { job: CatalogueImportDto | null }) {
  const text = !job
    ? ''
    : isActive(job)
      ? `${job.kind === 'PREVIEW' ? 'Dry run' : 'Reload'} ${job.id}: ${job.phase ?? 'waiting'}`
      : `${job.kind === 'PREVIEW' ? 'Dry run' : 'Reload'} ${job.id} ${job.status.toLowerCase()}`;
  return (
    <p className="sr-only" aria-live="polite" data-testid="reload-announcer">
      {text}
    </p>
  );
}

function PreviewPanel({
  preview,
  applied,
  filesRemovedBy,
  busy,
  onApply,
}: {
  preview: CatalogueImportDto;
  applied: boolean;
  /** The finished reload after which an uploaded or downloaded set's files were deleted. */
  filesRemovedBy: CatalogueImportDto | null;
  busy: boolean;
  onApply: (pct: number) => void;
}) {
  const r = (preview.report ?? {}) as Record<string, unknown>;
  const issues = (Array.isArray(r.issues) ? r.issues : []) as ImportIssueDto[];
  const share = typeof r.rejectedShare === 'number' ? r.rejectedShare : 0;
  const [pct, setPct] = useState('1');
  const limit = Number(pct);
  const validLimit = pct.trim() !== '' && Number.isFinite(limit) && limit >= 0 && limit <= 100;
  const over = validLimit && share * 100 > limit;
  const ref = useRef<HTMLElement>(null);
  return (
    <section className="admin-panel detail-section" data-testid="preview" data-preview={preview.id} ref={ref}>
      <h2 style={{ margin: 0 }}>2. Check the dry run #{preview.id}</h2>
      <p className="small muted" style={{ margin: 0 }}>
        {preview.source?.label ?? preview.dataDir} · {n(r.movies)} movies, {n(r.ratingRows)} ratings, {n(r.tagRows)}{' '}
        tags in the files · {when(preview.finishedAt)}
      </p>
      <div className="admin-counts">
        {(
          [
            ['added', 'New movies'],
            ['updated', 'Updated'],
            ['unchanged', 'Unchanged'],
            ['rejected', 'Rejected rows'],
            ['notInFiles', 'Not in the files (kept)'],
          ] as const
        ).map(([k, label]) => (
          <div key={k} className="admin-count" data-testid={`count-${k}`}>
            <b className={k === 'rejected' && Number(r[k]) > 0 ? 'admin-bad' : undefined}>{n(r[k])}</b>
            <span className="small muted">{label}</span>
          </div>
        ))}
      </div>
      {issues.length > 0 && (
        <>
          <div className="admin-scroll">
            <table className="table" data-testid="rejected-rows">
              <caption className="sr-only">Rejected rows</caption>
              <thead>
                <tr>
                  <th>File</th>
                  <th>Line</th>
                  <th>Reason</th>
                </tr>
              </thead>
              <tbody>
                {issues.slice(0, SHOWN_REJECTS).map((i, x) => (
                  <tr key={x}>
                    <td>{i.file}</td>
                    <td>{i.line || '—'}</td>
                    <td>{i.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="small" style={{ margin: 0 }} data-testid="rejects-shown">
            {(share * 100).toFixed(2)} % of {n(r.rowsRead)} rows rejected; showing{' '}
            {n(Math.min(SHOWN_REJECTS, issues.length))} of {n(r.rejected)}.{' '}
            <a href={`/api/admin/catalogue/imports/${preview.id}/rejects`} download data-testid="rejects-csv">
              Download all {n(r.rejected)} rejected rows (CSV)
            </a>
          </p>
        </>
      )}
      {applied ? (
        <p className="small muted" style={{ margin: 0 }}>
          These files were loaded{filesRemovedBy ? ' and then removed from the server' : ''}.
        </p>
      ) : filesRemovedBy ? (
        <p className="small muted" style={{ margin: 0 }} data-testid="preview-files-removed">
          Reload #{filesRemovedBy.id} of these files{' '}
          {filesRemovedBy.status === 'CANCELLED' ? 'was cancelled' : 'failed'}, and their uploaded copy was removed:
          upload them again for a new dry run.
        </p>
      ) : (
        <div className="admin-row">
          <div className="field" style={{ flex: '0 1 200px' }}>
            <label htmlFor="max-reject">Refuse above (% rejected)</label>
            <input
              id="max-reject"
              inputMode="decimal"
              value={pct}
              onChange={(e) => setPct(e.target.value)}
              aria-invalid={!validLimit || undefined}
              aria-describedby="reject-help"
            />
          </div>
          <button
            className="btn btn-primary"
            type="button"
            disabled={busy || over || !validLimit}
            onClick={() => onApply(limit)}
            data-testid="apply-reload"
          >
            Apply: reload the catalogue
          </button>
          <p
            id="reject-help"
            className={over || !validLimit ? 'field-error' : 'small muted'}
            style={{ flexBasis: '100%' }}
          >
            {!validLimit
              ? 'Enter a percentage between 0 and 100.'
              : over
                ? `${(share * 100).toFixed(2)} % of the rows were rejected, above ${limit} %: fix the files or raise the limit.`
                : "Members' ratings, watchlists and lists are kept; movies are matched by MovieLens id, then TMDB / IMDb id."}
          </p>
        </div>
      )}
    </section>
  );
}

function LastReload({ job, busy, onRetrain }: { job: CatalogueImportDto; busy: boolean; onRetrain: () => void }) {
  const r = (job.report ?? {}) as Record<string, unknown>;
  return (
    <section className="admin-panel detail-section" data-testid="last-reload" data-status={job.status}>
      <h2 style={{ margin: 0 }}>Last reload #{job.id}</h2>
      {job.status === 'SUCCEEDED' ? (
        <>
          <p style={{ margin: 0 }}>
            Done in {duration(job)}: {n(r.added)} movies added, {n(r.updated)} updated, {n(r.unchanged)} unchanged,{' '}
            {n(r.rejected)} {r.rejected === 1 ? 'row' : 'rows'} rejected. The model still serves the old
            catalogue&apos;s movies until it is retrained.
          </p>
          <div>
            <button
              className="btn btn-primary"
              type="button"
              onClick={onRetrain}
              disabled={busy}
              data-testid="retrain-after-reload"
            >
              Retrain now
            </button>
          </div>
        </>
      ) : (
        <p className={job.status === 'CANCELLED' ? 'muted' : 'field-error'} style={{ margin: 0 }}>
          {job.status === 'CANCELLED' ? 'Cancelled' : 'Failed'}: {job.error} The previous catalogue is unchanged.
        </p>
      )}
    </section>
  );
}

function AuditLog({ imports }: { imports: CatalogueImportDto[] }) {
  return (
    <section className="detail-section">
      <h2>History</h2>
      {imports.length === 0 ? (
        <p className="muted">No dry runs or reloads yet. The catalogue was loaded at first start.</p>
      ) : (
        <div className="admin-scroll">
          <table className="table small admin-stack" data-testid="imports">
            <thead>
              <tr>
                <th>#</th>
                <th>What</th>
                <th>Who</th>
                <th>When</th>
                <th>Files</th>
                <th>Result</th>
                <th>Took</th>
              </tr>
            </thead>
            <tbody>
              {imports.map((j) => {
                const r = (j.report ?? {}) as Record<string, unknown>;
                return (
                  <tr key={j.id} data-status={j.status} data-kind={j.kind}>
                    <td data-label="#">{j.id}</td>
                    <td data-label="What">{j.kind === 'PREVIEW' ? 'Dry run' : 'Reload'}</td>
                    <td data-label="Who" style={{ overflowWrap: 'anywhere' }}>
                      {j.requestedBy ?? 'system'}
                    </td>
                    <td data-label="When">{when(j.createdAt)}</td>
                    <td data-label="Files" className="admin-files admin-full">
                      {j.source ? `${j.source.type}: ${j.source.label}` : (j.dataDir ?? '—')}
                    </td>
                    <td data-label="Result" className="admin-full">
                      <span className={j.status === 'FAILED' ? 'chip admin-bad' : 'chip'}>{j.status}</span>{' '}
                      {j.error ? (
                        <span className="field-error">{j.error}</span>
                      ) : j.report ? (
                        `${n(r.added)} new · ${n(r.updated)} updated · ${n(r.unchanged)} unchanged · ${n(r.rejected ?? r.issueCount)} rejected`
                      ) : isActive(j) ? (
                        (j.phase ?? 'waiting')
                      ) : (
                        '—'
                      )}
                    </td>
                    <td data-label="Took">{duration(j)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import dynamic from 'next/dynamic';
import Link from 'next/link';
import type { ActionResult } from '@/lib/validation/action-result';
import type { AdminNotice, AdminStatus } from '@/lib/validation/admin';
import { activateVersionAction, retrainAction } from './actions';
import { VersionLog } from './version-log';

// The chart measures its container, so it renders in the browser only (no server/client mismatch).
const MetricsChart = dynamic(() => import('./metrics-chart').then((m) => m.MetricsChart), { ssr: false });

const fmt = (v: unknown, d = 4) => (typeof v === 'number' ? v.toFixed(d) : '—');
const when = (iso: string | null) =>
  iso ? new Date(iso).toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'short' }) : '—';

export function AdminDashboard({ initial }: { initial: AdminStatus }) {
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [openLogs, setOpenLogs] = useState<ReadonlySet<number>>(new Set());
  const toggleLog = (id: number) =>
    setOpenLogs((open) => {
      const next = new Set(open);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const status = useQuery({
    queryKey: ['admin', 'status'],
    queryFn: async (): Promise<AdminStatus> => {
      const res = await fetch('/api/admin/status', { cache: 'no-store' });
      if (!res.ok) throw new Error(`status ${res.status}`);
      return res.json();
    },
    initialData: initial,
    refetchInterval: (q) =>
      q.state.data?.versions.some((v) => v.status === 'QUEUED' || v.status === 'TRAINING') ||
      q.state.data?.imports.some((i) => i.status === 'QUEUED' || i.status === 'RUNNING')
        ? 1500
        : 10_000,
  });
  const act = useMutation({
    mutationFn: async (fn: () => Promise<ActionResult<AdminNotice>>) => fn(),
    onSuccess: (res) => {
      setMessage(res.ok ? { ok: true, text: res.data.message } : { ok: false, text: res.error });
      void status.refetch();
    },
    // A thrown action (server down, a bug) still says so instead of leaving the button silently re-enabled.
    onError: () => setMessage({ ok: false, text: 'That did not go through. Check the server and try again.' }),
  });
  const { versions, imports } = status.data;
  const chart = [...versions]
    .filter((v) => v.metrics)
    .reverse()
    .map((v) => ({
      version: `v${v.id}`,
      'NDCG@10': v.metrics?.['ndcg@10'],
      'Recall@20': v.metrics?.['recall@20'],
      RMSE: v.metrics?.rmse,
    }));

  return (
    <>
      {message && (
        <p className={message.ok ? 'notice' : 'form-error'} role="status">
          {message.text}
        </p>
      )}
      <section className="detail-section">
        <div className="page-head">
          <h2>Models</h2>
          <button
            className="btn btn-primary"
            disabled={act.isPending}
            onClick={() => act.mutate(() => retrainAction({}))}
            data-testid="retrain"
          >
            Retrain now
          </button>
        </div>
        {chart.length > 0 && <MetricsChart data={chart} />}
        <div className="admin-scroll" style={{ marginTop: 16 }}>
          <table className="table" data-testid="model-versions">
            <thead>
              <tr>
                <th>Version</th>
                <th>Status</th>
                <th>Trigger</th>
                <th>Created</th>
                <th>NDCG@10</th>
                <th>Recall@20</th>
                <th title="Validation coverage@10 of the learned blend">Coverage@10</th>
                <th title="Share of the catalogue in the served top-10 lists of the members the model was trained on (the coverage floor)">
                  Catalogue shown
                </th>
                <th>RMSE</th>
                <th>Train s</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {versions.map((v) => (
                <Fragment key={v.id}>
                  <tr data-status={v.status}>
                    <td>v{v.id}</td>
                    <td>
                      <span className={v.isActive ? 'chip chip-accent' : 'chip'}>
                        {v.isActive ? 'ACTIVE' : v.status}
                      </span>
                      {(v.status === 'TRAINING' || v.status === 'QUEUED') && (
                        <div className="small muted">
                          {v.phase ?? 'waiting'} · {Math.round(v.progress * 100)}%
                        </div>
                      )}
                      {v.reason && (
                        <div className="small muted" style={{ maxWidth: 320 }}>
                          {v.reason}
                        </div>
                      )}
                    </td>
                    <td>{v.trigger}</td>
                    <td>{when(v.createdAt)}</td>
                    <td>{fmt(v.metrics?.['ndcg@10'])}</td>
                    <td>{fmt(v.metrics?.['recall@20'])}</td>
                    <td>{fmt(v.metrics?.['coverage@10'])}</td>
                    <td>{fmt(v.metrics?.['served coverage@10'])}</td>
                    <td>{fmt(v.metrics?.rmse)}</td>
                    <td>{fmt(v.timings?.total, 1)}</td>
                    <td>
                      <div className="admin-actions">
                        <button
                          className="btn"
                          type="button"
                          aria-expanded={openLogs.has(v.id)}
                          aria-controls={`version-log-${v.id}`}
                          onClick={() => toggleLog(v.id)}
                          data-testid="version-log-toggle"
                        >
                          {openLogs.has(v.id) ? 'Hide log' : 'Log'}
                        </button>
                        {!v.isActive && ['READY', 'REJECTED'].includes(v.status) && (
                          <button
                            className="btn"
                            disabled={act.isPending}
                            onClick={() => act.mutate(() => activateVersionAction({ versionId: v.id }))}
                          >
                            {versions.find((x) => x.isActive && x.id > v.id) ? 'Roll back to this' : 'Activate'}
                          </button>
                        )}
                      </div>
                    </td>
                  </tr>
                  {openLogs.has(v.id) && (
                    <tr className="admin-log-row" data-log-of={v.id}>
                      <td colSpan={11}>
                        <VersionLog versionId={v.id} running={v.status === 'QUEUED' || v.status === 'TRAINING'} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section className="detail-section">
        <div className="page-head">
          <h2>Catalogue</h2>
          <Link className="btn" href="/admin/catalogue" data-testid="reload-catalogue">
            Reload catalogue
          </Link>
        </div>
        {imports.length === 0 ? (
          <p className="muted">
            No reloads yet. The catalogue was loaded at first start. A reload starts with a dry run on the Catalogue
            tab.
          </p>
        ) : (
          <table className="table" data-testid="imports">
            <thead>
              <tr>
                <th>#</th>
                <th>Status</th>
                <th>Progress</th>
                <th>Result</th>
                <th>Started</th>
              </tr>
            </thead>
            <tbody>
              {imports.map((i) => (
                <tr key={i.id} data-status={i.status}>
                  <td>{i.id}</td>
                  <td>{i.status}</td>
                  <td>
                    {i.phase ?? '—'} {i.status === 'RUNNING' ? `${Math.round(i.progress * 100)}%` : ''}
                  </td>
                  <td className="small">
                    {i.error ? (
                      <span className="field-error">{i.error}</span>
                    ) : i.report ? (
                      `${i.report.movies} movies, ${i.report.ratings} ratings, ${i.report.issueCount} malformed rows skipped`
                    ) : (
                      '—'
                    )}
                    {Array.isArray(i.report?.issues) &&
                      (i.report.issues as { file: string; line: number; message: string }[]).length > 0 && (
                        <details>
                          <summary>Row errors</summary>
                          <ul>
                            {(i.report.issues as { file: string; line: number; message: string }[])
                              .slice(0, 20)
                              .map((e, x) => (
                                <li key={x}>
                                  {e.file}:{e.line} — {e.message}
                                </li>
                              ))}
                          </ul>
                        </details>
                      )}
                  </td>
                  <td>{when(i.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

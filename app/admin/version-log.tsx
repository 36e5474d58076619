'use client';

import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { ModelLogLineDto } from '@/lib/validation/admin';

const time = (iso: string) => new Date(iso).toLocaleTimeString('en-GB', { hour12: false });

/** A model version's training log, newest line first; polled while the version is queued or training. */
export function VersionLog({ versionId, running }: { versionId: number; running: boolean }) {
  const log = useQuery({
    queryKey: ['admin', 'version-log', versionId],
    queryFn: async (): Promise<ModelLogLineDto[]> => {
      const res = await fetch(`/api/admin/models/${versionId}/log`, { cache: 'no-store' });
      if (!res.ok) throw new Error(`The log of v${versionId} could not be loaded (${res.status}).`);
      return (await res.json()).lines;
    },
    refetchInterval: running ? 1500 : false,
  });
  // The run just ended: read its last lines once more (the poll stops with it).
  const wasRunning = useRef(running);
  const { refetch } = log;
  useEffect(() => {
    if (wasRunning.current && !running) void refetch();
    wasRunning.current = running;
  }, [running, refetch]);
  return (
    <div className="admin-log" id={`version-log-${versionId}`} data-testid="version-log" data-version={versionId}>
      {log.isPending ? (
        <p className="small muted">Loading the log…</p>
      ) : log.isError ? (
        <p className="field-error">{log.error.message}</p>
      ) : log.data.length === 0 ? (
        <p className="small muted">
          No log lines for v{versionId} (it was trained before logs were kept, or has not started).
        </p>
      ) : (
        <ol reversed aria-label={`Training log of v${versionId}, newest first`}>
          {log.data.map((l) => (
            <li key={l.seq} data-level={l.level} className={l.level === 'error' ? 'admin-bad' : undefined}>
              <time dateTime={l.at}>{time(l.at)}</time> {l.level !== 'info' && <b>{l.level}:</b>} {l.message}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { importKeys } from '@/lib/queries/keys';
import type { ImportJobDto } from '@/lib/import/preview-types';

const PHASE: Record<string, string> = {
  queued: 'Waiting for the importer to start',
  reading: 'Reading your preview and choices',
  writing: 'Writing your history',
  done: 'Import done',
  failed: 'The import failed',
};

/** What the bar says: the phase, then rows written of rows to write (the screen-reader text and the live line). */
export function describeJob(job: ImportJobDto): string {
  if (job.status === 'APPLIED') return 'Import done.';
  if (job.status === 'PREVIEW') return `The import failed; nothing was written. ${job.error ?? ''}`.trim();
  const phase = PHASE[job.phase ?? 'queued'] ?? job.phase ?? '';
  return job.phase === 'writing' ? `${phase}: ${job.rowsDone} of ${job.rowsTotal} rows.` : `${phase}…`;
}

/**
 * A large import being written by the background job: phase, rows done of total, announced politely. Polls its
 * status each second until it ends; the job goes on if the tab is closed, and the import page shows it again.
 */
export function ImportJobProgress({
  initial,
  onEnd,
  headingId,
}: {
  initial: ImportJobDto;
  onEnd?: (job: ImportJobDto) => void;
  /** Render the section's heading (with this id), which follows the job's status. */
  headingId?: string;
}) {
  const { data: job = initial } = useQuery({
    queryKey: importKeys.job(initial.id),
    queryFn: async () => {
      const res = await fetch(`/api/import/${initial.id}`, { cache: 'no-store' });
      if (!res.ok) throw new Error(`status ${res.status}`);
      return (await res.json()) as ImportJobDto;
    },
    initialData: initial,
    refetchInterval: (q) => (q.state.data?.status === 'APPLYING' ? 1000 : false),
    refetchOnWindowFocus: (q) => q.state.data?.status === 'APPLYING',
  });
  const router = useRouter();
  const ended = useRef(initial.status !== 'APPLYING');
  useEffect(() => {
    if (job.status !== 'APPLYING' && !ended.current) {
      ended.current = true;
      // The page around the bar (recent imports, the preview) shows the outcome too.
      if (onEnd) onEnd(job);
      else router.refresh();
    }
  }, [job, onEnd, router]);

  const running = job.status === 'APPLYING';
  // Reading is the first tenth of the bar, writing the rest (by rows written).
  const share =
    job.status === 'APPLIED'
      ? 1
      : !running
        ? 0
        : job.phase === 'writing' && job.rowsTotal > 0
          ? 0.1 + (0.9 * job.rowsDone) / job.rowsTotal
          : job.phase === 'reading'
            ? 0.05
            : 0;
  const text = describeJob(job);
  return (
    <div className="import-job" data-testid="import-job" data-status={job.status} data-phase={job.phase ?? ''}>
      {headingId && <h2 id={headingId}>{running ? 'Import in progress' : 'Your last large import'}</h2>}
      <p className="import-job-title">
        <strong>{job.fileName}</strong>
        {running && <span className="muted small"> · you can leave this page; the import goes on</span>}
      </p>
      {job.status !== 'PREVIEW' && (
        <div
          className="import-bar"
          role="progressbar"
          aria-label={`Import of ${job.fileName}`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(share * 100)}
          aria-valuetext={text}
          data-testid="import-job-bar"
        >
          <div style={{ width: `${Math.round(share * 100)}%` }} />
        </div>
      )}
      <p className="small" aria-live="polite" data-testid="import-job-text">
        {job.status === 'PREVIEW' ? (
          <span role="alert">{text}</span>
        ) : job.status === 'APPLIED' && job.summary ? (
          <>
            Import done: {job.summary.ratingsAdded} ratings added, {job.summary.ratingsReplaced} replaced,{' '}
            {job.summary.watchlistAdded} added to watchlist, {job.summary.watchesAdded} watches,{' '}
            {job.summary.likesAdded} likes. <Link href={`/settings/import/${job.id}`}>What changed</Link>
          </>
        ) : (
          text
        )}
      </p>
    </div>
  );
}

import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/server/auth';
import { getImportJob, getMemberImport } from '@/lib/server/data/member-imports';
import { NotFoundError } from '@/lib/server/errors';
import type { PreviewRow } from '@/lib/import/preview-types';
import { ImportPreview, type PreviewView } from './import-preview';

export const metadata = { title: 'Import preview' };

/** Rows shown per section; beyond it the page says how many more (they are imported all the same). */
const SHOW = { matched: 100, ambiguous: 500, conflict: 2000, unmatched: 500, malformed: 500 };

export default async function ImportPreviewPage({ params }: { params: Promise<{ importId: string }> }) {
  // A deleted or signed-out member goes to sign-in (the layout and the page render at the same time).
  const user = await getCurrentUser();
  if (!user) redirect('/sign-in?callbackUrl=/settings/import');
  const id = Number((await params).importId);
  if (!Number.isInteger(id) || id <= 0) notFound();
  let preview;
  try {
    preview = await getMemberImport(user.id, id);
  } catch (err) {
    if (err instanceof NotFoundError) notFound();
    throw err;
  }
  const { payload } = preview;
  const job = await getImportJob(user.id, id);
  const rows = payload.rows;
  const matched = rows.filter((r) => r.match === 'matched');
  const ambiguous = rows.filter((r) => r.match === 'ambiguous');
  const unmatched = rows.filter((r) => r.match === 'unmatched');
  const conflicts = matched.filter((r) => r.state === 'conflict');
  const same = matched.filter((r) => r.state === 'same');
  const cut = (list: PreviewRow[], n: number) => ({ rows: list.slice(0, n), total: list.length });
  const view: PreviewView = {
    id: preview.id,
    fileName: preview.fileName,
    status: preview.status,
    job: job.queuedAt ? job : null,
    source: payload.source,
    summary: preview.summary,
    lists: payload.lists,
    warnings: payload.warnings,
    movies: {},
    counts: {
      rows: rows.length,
      matched: matched.length,
      ambiguous: ambiguous.length,
      unmatched: unmatched.length,
      conflicts: conflicts.length,
      same: same.length,
      malformed: payload.malformed.length,
      byKind: {
        rating: rows.filter((r) => r.kind === 'rating').length,
        watch: rows.filter((r) => r.kind === 'watch').length,
        watchlist: rows.filter((r) => r.kind === 'watchlist').length,
        like: rows.filter((r) => r.kind === 'like').length,
        list: rows.filter((r) => r.kind === 'list').length,
      },
    },
    matched: cut(
      matched.filter((r) => r.state !== 'conflict'),
      SHOW.matched,
    ),
    ambiguous: cut(ambiguous, SHOW.ambiguous),
    conflicts: cut(conflicts, SHOW.conflict),
    unmatched: cut(unmatched, SHOW.unmatched),
    malformed: { rows: payload.malformed.slice(0, SHOW.malformed), total: payload.malformed.length },
  };
  // Only the films the page shows travel to the browser (a 10,000-row preview references thousands).
  for (const slice of [view.matched, view.ambiguous, view.conflicts]) {
    for (const r of slice.rows)
      for (const id of [r.movieId, ...(r.candidates ?? [])])
        if (id !== undefined && payload.movies[id]) view.movies[id] = payload.movies[id];
  }
  return (
    <>
      <p className="small">
        <Link href="/settings/import">← Import</Link>
      </p>
      <ImportPreview view={view} />
    </>
  );
}

import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/server/auth';
import { getLatestImportJob, listRecentImports } from '@/lib/server/data/member-imports';
import { warmCatalogueIndex } from '@/lib/server/services/history-import';
import { MAX_UPLOAD_BYTES } from '@/lib/import/types';
import { UploadForm } from './upload-form';
import { ImportJobProgress } from './import-job';

export const metadata = { title: 'Import your history' };

export default async function ImportPage() {
  // A deleted or signed-out member goes to sign-in (the layout and the page render at the same time).
  const user = await getCurrentUser();
  if (!user) redirect('/sign-in?callbackUrl=/settings/import');
  // The member is about to upload: build the matcher's catalogue index now rather than during their preview.
  warmCatalogueIndex();
  // A running import, or one that ended in the last day: the member who closed the tab comes back to it here.
  const [recent, job] = await Promise.all([listRecentImports(user.id), getLatestImportJob(user.id)]);
  return (
    <>
      <h1>Import your history</h1>
      <p className="muted">
        Bring your ratings, watchlist, watches, likes and lists from another site. You see a preview first; nothing
        changes until you confirm, and importing the same file again changes nothing.
      </p>
      {job && (
        <section className="settings-section" aria-labelledby="import-job-heading">
          <ImportJobProgress initial={job} headingId="import-job-heading" />
        </section>
      )}
      <section className="settings-section">
        <UploadForm maxBytes={MAX_UPLOAD_BYTES} />
        <ul className="muted small">
          <li>
            <strong>Letterboxd</strong>: the export zip exactly as Letterboxd gives it (Settings → Data → Export your
            data), or any one of its CSV files (ratings, diary, watched, watchlist, likes/films, lists/…).
          </li>
          <li>
            <strong>IMDb</strong>: your ratings export (1–10 becomes half stars: 7 → 3.5) or your watchlist export.
          </li>
          <li>
            <strong>MovieLens</strong>: the ratings export from movielens.org.
          </li>
        </ul>
      </section>
      {recent.length > 0 && (
        <section className="settings-section">
          <h2>Recent imports</h2>
          <ul data-testid="recent-imports">
            {recent.map((r) => (
              <li key={r.id}>
                <Link href={`/settings/import/${r.id}`}>{r.fileName}</Link>{' '}
                <span className="muted small">
                  {r.status === 'APPLIED'
                    ? 'imported'
                    : r.status === 'APPLYING'
                      ? 'importing now'
                      : 'preview, not confirmed'}{' '}
                  · {new Date(r.createdAt).toLocaleString('en-GB', { timeZone: 'UTC' })} UTC
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

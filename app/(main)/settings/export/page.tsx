import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/server/auth';
import { listMyLists } from '@/lib/server/data/lists';

export const metadata = { title: 'Export your data' };

export default async function ExportPage() {
  // A deleted or signed-out member goes to sign-in (the layout and the page render at the same time).
  const user = await getCurrentUser();
  if (!user) redirect('/sign-in?callbackUrl=/settings/export');
  const lists = await listMyLists(user.id);
  // Plain links (not next/link): these are file downloads from route handlers.
  return (
    <>
      <h1>Export your data</h1>
      <section className="settings-section">
        <h2>Letterboxd format</h2>
        <p className="muted">
          The same files Letterboxd exports, so other trackers can read them — and importing them back into Reel changes
          nothing. Cells that a spreadsheet would run as a formula are written with a leading apostrophe.
        </p>
        <ul data-testid="export-links">
          <li>
            <a href="/api/export/letterboxd.zip" download>
              Everything as a zip
            </a>{' '}
            (ratings, watchlist, diary, likes, lists)
          </li>
          <li>
            <a href="/api/export/ratings.csv" download>
              ratings.csv
            </a>
          </li>
          <li>
            <a href="/api/export/watchlist.csv" download>
              watchlist.csv
            </a>
          </li>
          <li>
            <a href="/api/export/diary.csv" download>
              diary.csv
            </a>{' '}
            (watches)
          </li>
          <li>
            <a href="/api/export/likes.csv" download>
              likes.csv
            </a>
          </li>
          {lists.map((l) => (
            <li key={l.id}>
              <a href={`/api/export/list-${l.id}.csv`} download>
                List: {l.name}
              </a>
            </li>
          ))}
        </ul>
      </section>
      <section className="settings-section">
        <h2>Everything Reel holds about you</h2>
        <p className="muted">
          Your account, ratings with their dates, watchlist, hidden movies, tags, lists, kept watches and likes, and
          your imports, as one JSON file.
        </p>
        <a className="btn" href="/api/export/reel.json" download data-testid="export-json">
          Download JSON
        </a>
      </section>
    </>
  );
}

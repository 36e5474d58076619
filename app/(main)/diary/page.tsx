import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/server/auth';
import { getDiaryStats, listDiary } from '@/lib/server/data/watches';
import { PageParam, type DiaryEntry } from '@/lib/validation/history';
import { DiaryStatsPanel } from '@/components/diary-stats';
import { HistoryNav, PagerLinks } from '@/components/history-nav';
import '@/components/history.css';

export const metadata = { title: 'Diary' };

const PAGE_SIZE = 50;

type SP = Promise<Record<string, string | string[] | undefined>>;

function monthOf(iso: string): string {
  return new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** Entries grouped by month, keeping the newest-first order. */
function byMonth(entries: DiaryEntry[]): { month: string; entries: DiaryEntry[] }[] {
  const groups: { month: string; entries: DiaryEntry[] }[] = [];
  for (const e of entries) {
    const month = monthOf(e.watchedOn);
    if (groups.at(-1)?.month !== month) groups.push({ month, entries: [] });
    groups.at(-1)!.entries.push(e);
  }
  return groups;
}

export default async function DiaryPage({ searchParams }: { searchParams: SP }) {
  const user = await getCurrentUser();
  if (!user) redirect('/sign-in?callbackUrl=/diary');
  const page = PageParam.parse((await searchParams).page);
  const year = new Date().getUTCFullYear();
  const [{ entries, total }, stats] = await Promise.all([
    listDiary(user.id, { page, pageSize: PAGE_SIZE }),
    getDiaryStats(user.id, year),
  ]);
  const pageCount = Math.max(1, Math.ceil(total / PAGE_SIZE));
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Diary</h1>
          <p className="muted">
            {total === 0
              ? 'The films you watch, by date.'
              : `${total} viewing${total === 1 ? '' : 's'} logged, newest first.`}
          </p>
        </div>
      </div>
      <HistoryNav current="/diary" />
      <div className="diary-layout">
        <div>
          {entries.length === 0 ? (
            <div className="empty">
              {total === 0 ? (
                <>
                  Nothing logged yet. Open a movie and press <strong>Watched…</strong> to add it to your diary, with the
                  date you saw it. <Link href="/movies">Browse movies</Link>
                </>
              ) : (
                <>
                  No entries on this page. <Link href="/diary">Back to the newest</Link>
                </>
              )}
            </div>
          ) : (
            <div data-testid="diary">
              {byMonth(entries).map((g) => (
                <section key={g.month} className="diary-month" aria-label={g.month}>
                  <h2>{g.month}</h2>
                  <table className="diary-table">
                    <tbody>
                      {g.entries.map((e) => (
                        <tr
                          key={e.id}
                          data-testid="diary-entry"
                          data-movie-id={e.movieId}
                          data-watched-on={e.watchedOn}
                        >
                          <td className="diary-day">
                            <time dateTime={e.watchedOn}>{Number(e.watchedOn.slice(8, 10))}</time>
                          </td>
                          <td className="diary-title">
                            <Link href={`/movies/${e.movieId}`}>{e.title}</Link>{' '}
                            {e.year && <span className="muted">({e.year})</span>}
                          </td>
                          <td className="diary-marks">
                            {e.rating !== null && (
                              <span className="diary-rating" aria-label={`Rated ${e.rating} stars`}>
                                ★ {e.rating.toFixed(1)}
                              </span>
                            )}
                            {e.liked && (
                              <span className="mark-like" aria-label="Liked" title="Liked" data-testid="mark-like">
                                ♥
                              </span>
                            )}
                            {e.rewatch && (
                              <span
                                className="mark-rewatch"
                                aria-label="Rewatch"
                                title="Rewatch"
                                data-testid="mark-rewatch"
                              >
                                ↻
                              </span>
                            )}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </section>
              ))}
            </div>
          )}
          <PagerLinks page={page} pageCount={pageCount} href={(p) => `/diary?page=${p}`} />
        </div>
        <DiaryStatsPanel stats={stats} />
      </div>
    </>
  );
}

import Link from 'next/link';
import { requireAdminPage } from '@/lib/server/admin-guard';
import { getActivityReport } from '@/lib/server/data/activity';
import type { MovieTrend } from '@/lib/validation/admin-activity';
import { ActivityChartsLazy } from './activity-charts-lazy';

export const metadata = { title: 'Activity · Admin' };
export const dynamic = 'force-dynamic';

function TrendTable({ rows, testId, empty }: { rows: MovieTrend[]; testId: string; empty: string }) {
  if (rows.length === 0) return <p className="muted small">{empty}</p>;
  return (
    <table className="table small" data-testid={testId}>
      <thead>
        <tr>
          <th>Movie</th>
          <th>This week</th>
          <th>Week before</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.movieId}>
            <td>
              <Link href={`/movies/${r.movieId}`}>{r.title}</Link>
            </td>
            <td>{r.thisWeek}</td>
            <td>{r.lastWeek}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default async function ActivityPage() {
  await requireAdminPage('/admin/activity');
  const report = await getActivityReport(30);
  const total = report.days.reduce((s, d) => s + d.ratings, 0);
  return (
    <>
      <h1>Activity</h1>
      <p className="muted">
        Members only (imported MovieLens raters left out): {total.toLocaleString('en')} ratings in 30 days, {report.activeMembers7d} members rated this week.
      </p>
      <ActivityChartsLazy report={report} />
      <div className="admin-grid detail-section">
        <section>
          <h2>Most rated this week</h2>
          <TrendTable rows={report.mostRated} testId="most-rated" empty="No ratings this week yet." />
        </section>
        <section>
          <h2>Fastest rising</h2>
          <TrendTable rows={report.rising} testId="rising" empty="Nothing is rated more this week than last." />
        </section>
      </div>
    </>
  );
}

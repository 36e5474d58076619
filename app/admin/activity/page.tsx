import Link from 'next/link';
import { requireAdminPage } from '@/lib/server/admin-guard';
import { getActivityReport } from '@/lib/server/data/activity';
import { listVersions } from '@/lib/server/data/models';
import { AppError } from '@/lib/server/errors';
import { compareVersions } from '@/lib/server/services/model-compare';
import type { MovieTrend, VersionComparison } from '@/lib/validation/admin-activity';
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

const METRICS = ['ndcg@10', 'recall@20', 'coverage@10', 'served coverage@10', 'rmse'] as const;

function Comparison({ c }: { c: VersionComparison }) {
  const fmt = (v: number | undefined) => (typeof v === 'number' ? v.toFixed(4) : '—');
  return (
    <div className="admin-panel" data-testid="version-comparison">
      <div className="admin-scroll">
        <table className="table small">
          <thead>
            <tr>
              <th>Metric</th>
              <th>
                v{c.a.id} <span className="chip">{c.a.status}</span>
              </th>
              <th>
                v{c.b.id} <span className="chip">{c.b.status}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {METRICS.map((m) => (
              <tr key={m}>
                <td>{m}</td>
                <td>{fmt(c.a.metrics[m])}</td>
                <td>{fmt(c.b.metrics[m])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p style={{ margin: 0 }}>
        Top-10 overlap: on average <b>{(c.meanOverlap * 100).toFixed(0)} %</b> of a{' '}
        {c.raterKind === 'MEMBER' ? 'member' : 'MovieLens rater'}&apos;s top 10 is the same under both versions (
        {c.raters}{' '}
        {c.raterKind === 'MEMBER' ? 'most recently active members' : 'MovieLens raters (no member has rated yet)'}).
      </p>
      <p className="small muted" style={{ margin: 0 }}>
        Movies in common (0–10) → raters: {c.histogram.map((h, k) => `${k}: ${h}`).join(' · ')}
      </p>
    </div>
  );
}

export default async function ActivityPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireAdminPage('/admin/activity');
  const sp = await searchParams;
  const [report, versions] = await Promise.all([getActivityReport(30), listVersions(30)]);
  const usable = versions.filter((v) => v.metrics);
  const a = Number(sp.a) || usable[1]?.id;
  const b = Number(sp.b) || usable[0]?.id;
  let comparison: VersionComparison | null = null;
  let compareError: string | null = null;
  if (sp.a && sp.b) {
    if (a === b) compareError = 'Pick two different versions.';
    else {
      try {
        comparison = await compareVersions(a, b);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        compareError = err.message;
      }
    }
  }
  const total = report.days.reduce((s, d) => s + d.ratings, 0);
  return (
    <>
      <h1>Activity</h1>
      <p className="muted">
        Members only (imported MovieLens raters left out): {total.toLocaleString('en')} ratings in 30 days,{' '}
        {report.activeMembers7d} {report.activeMembers7d === 1 ? 'member' : 'members'} rated this week.
      </p>
      <ActivityChartsLazy report={report} />
      <section className="detail-section">
        <h2>Model versions side by side</h2>
        {usable.length < 2 ? (
          <p className="muted small">Two trained versions are needed; retrain from the Models tab.</p>
        ) : (
          <form className="admin-row" action="/admin/activity" style={{ marginBottom: 12 }}>
            {(['a', 'b'] as const).map((k) => (
              <div className="field" key={k} style={{ flex: '0 1 200px' }}>
                <label htmlFor={`version-${k}`}>{k === 'a' ? 'Version' : 'against'}</label>
                <select id={`version-${k}`} name={k} className="input" defaultValue={String(k === 'a' ? a : b)}>
                  {usable.map((v) => (
                    <option key={v.id} value={v.id}>
                      v{v.id} · {v.isActive ? 'active' : v.status.toLowerCase()}
                    </option>
                  ))}
                </select>
              </div>
            ))}
            <button className="btn" type="submit" data-testid="compare-versions">
              Compare
            </button>
          </form>
        )}
        {compareError && <p className="form-error">{compareError}</p>}
        {comparison && <Comparison c={comparison} />}
      </section>
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

import type { DiaryStats } from '@/lib/validation/history';

function hours(minutes: number): string {
  const h = minutes / 60;
  if (minutes === 0) return '0';
  return h >= 10 ? Math.round(h).toLocaleString('en') : h.toFixed(1);
}

/** Films and hours this year, hours all time, most-watched genres and directors. */
export function DiaryStatsPanel({ stats }: { stats: DiaryStats }) {
  return (
    <aside className="stats-panel" data-testid="diary-stats" aria-label="Your numbers">
      <h2>Your numbers</h2>
      <div className="stats-figures">
        <div className="stat">
          <strong data-testid="films-this-year">{stats.filmsThisYear}</strong>
          <span className="muted small">
            film{stats.filmsThisYear === 1 ? '' : 's'} in {stats.year}
          </span>
        </div>
        <div className="stat">
          <strong data-testid="hours-this-year">{hours(stats.minutesThisYear)}</strong>
          <span className="muted small">hours in {stats.year}</span>
        </div>
        <div className="stat">
          <strong>{stats.watchesThisYear}</strong>
          <span className="muted small">viewings in {stats.year}</span>
        </div>
        <div className="stat">
          <strong data-testid="hours-all-time">{hours(stats.minutesAllTime)}</strong>
          <span className="muted small">hours all time</span>
        </div>
      </div>
      {stats.watchesWithoutRuntime > 0 && (
        <p className="muted small">
          {stats.watchesWithoutRuntime} viewing{stats.watchesWithoutRuntime === 1 ? ' has' : 's have'} no known runtime
          and add no hours.
        </p>
      )}
      <h3>Most-watched genres</h3>
      {stats.topGenres.length === 0 ? (
        <p className="muted small">Log a few films to see them.</p>
      ) : (
        <ol data-testid="top-genres">
          {stats.topGenres.map((g) => (
            <li key={g.name}>
              <span>{g.name}</span>
              <span className="muted">{g.count}</span>
            </li>
          ))}
        </ol>
      )}
      <h3>Most-watched directors</h3>
      {stats.topDirectors.length === 0 ? (
        <p className="muted small">No directors known for your films yet.</p>
      ) : (
        <ol data-testid="top-directors">
          {stats.topDirectors.map((d) => (
            <li key={d.name}>
              <span>{d.name}</span>
              <span className="muted">{d.count}</span>
            </li>
          ))}
        </ol>
      )}
    </aside>
  );
}

/** Placeholder shapes shown by loading.tsx while a page's data loads (announced once as "Loading…"). */
export function CardGridSkeleton({ count = 12, label }: { count?: number; label: string }) {
  return (
    <div aria-busy="true" data-testid="skeleton">
      <p className="sr-only" role="status">
        {label}
      </p>
      <div className="skeleton skeleton-title" />
      <div className="grid">
        {Array.from({ length: count }, (_, i) => (
          <div key={i} className="skeleton-card" aria-hidden>
            <div className="skeleton skeleton-poster" />
            <div className="skeleton skeleton-line" />
            <div className="skeleton skeleton-line short" />
          </div>
        ))}
      </div>
    </div>
  );
}

export function DetailSkeleton() {
  return (
    <div aria-busy="true" data-testid="skeleton">
      <p className="sr-only" role="status">
        Loading the movie…
      </p>
      <div className="detail">
        <div className="skeleton skeleton-poster" aria-hidden />
        <div aria-hidden>
          <div className="skeleton skeleton-title" />
          {Array.from({ length: 6 }, (_, i) => (
            <div
              key={i}
              className={`skeleton skeleton-line${i % 3 === 2 ? ' short' : ''}`}
              style={{ marginBottom: 12 }}
            />
          ))}
        </div>
      </div>
    </div>
  );
}

import Link from 'next/link';

const TABS = [
  { href: '/diary', label: 'Diary' },
  { href: '/likes', label: 'Likes' },
  { href: '/ratings', label: 'Ratings' },
] as const;

/** Links between the member's diary, likes and ratings (one "Diary" link in the main nav leads here). */
export function HistoryNav({ current }: { current: '/diary' | '/likes' | '/ratings' }) {
  return (
    <nav className="history-tabs" aria-label="Your films">
      {TABS.map((t) => (
        <Link key={t.href} href={t.href} aria-current={t.href === current ? 'page' : undefined}>
          {t.label}
        </Link>
      ))}
    </nav>
  );
}

/** Previous / next links with "Page x of y" (hidden when everything fits on one page). */
export function PagerLinks({
  page,
  pageCount,
  href,
}: {
  page: number;
  pageCount: number;
  href: (page: number) => string;
}) {
  if (pageCount <= 1) return null;
  return (
    <nav className="pager" aria-label="Pages" data-testid="pager">
      {page > 1 && (
        <Link className="btn" href={href(page - 1)} rel="prev">
          ← Previous
        </Link>
      )}
      <span className="muted">
        Page {Math.min(page, pageCount)} of {pageCount}
      </span>
      {page < pageCount && (
        <Link className="btn" href={href(page + 1)} rel="next">
          Next →
        </Link>
      )}
    </nav>
  );
}

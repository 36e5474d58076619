'use client';

import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import Link from 'next/link';
import { MovieCard } from '@/components/movie-card';
import { QuickActions } from '@/components/quick-actions';
import { feedKeys } from '@/lib/queries/keys';
import type { FeedPage } from '@/lib/validation/feed';
import type { CardState } from '@/lib/validation/card-state';

export interface FeedFilters {
  genre?: string;
  yearFrom?: number;
  yearTo?: number;
  diversity: number;
  /** Seeded from a list ("Recommend from this list"). */
  list?: number;
}

type StatedPage = FeedPage & { states?: Record<number, CardState> };

const NONE: CardState = { rating: null, onWatchlist: false, dismissed: false };

async function fetchPage(filters: FeedFilters, cursor: number): Promise<StatedPage> {
  const params = new URLSearchParams({ cursor: String(cursor), limit: '24', diversity: String(filters.diversity) });
  if (filters.genre) params.set('genre', filters.genre);
  if (filters.yearFrom !== undefined) params.set('yearFrom', String(filters.yearFrom));
  if (filters.yearTo !== undefined) params.set('yearTo', String(filters.yearTo));
  if (filters.list !== undefined) params.set('list', String(filters.list));
  const res = await fetch(`/api/for-you?${params}`, { headers: { accept: 'application/json' } });
  const body = (await res.json().catch(() => null)) as (FeedPage & { error?: string }) | null;
  if (!res.ok || !body) throw new Error(body?.error ?? `Could not load more picks (HTTP ${res.status}).`);
  // Picks are never rated or hidden, but may be on the watchlist: the cards' buttons need to know.
  const ids = body.items.map((i) => i.movie.id);
  const states = ids.length
    ? await fetch(`/api/card-states?ids=${ids.join(',')}`).then((r) =>
        r.ok ? (r.json() as Promise<Record<number, CardState>>) : undefined,
      )
    : undefined;
  return { ...body, states };
}

/**
 * Infinite For You list: the first page comes from the server render (never fetched again on arrival: the query key
 * holds the member's taste version, so a new rating gives a new key and a fresh server page), later pages from
 * GET /api/for-you. Loading is driven by whether the sentinel is in view, re-checked after every page, so a page that
 * leaves the sentinel on screen loads the next one instead of waiting for a scroll event that never comes.
 */
export function FeedList({
  userId,
  version,
  filters,
  initial,
  initialStates,
}: {
  userId: number;
  version: number;
  filters: FeedFilters;
  initial: FeedPage;
  initialStates?: Record<number, CardState>;
}) {
  const sentinel = useRef<HTMLDivElement>(null);
  const [inView, setInView] = useState(false);
  const query = useInfiniteQuery({
    queryKey: [...feedKeys.forYou(userId), version, filters],
    queryFn: ({ pageParam }) => fetchPage(filters, pageParam),
    initialPageParam: 0,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    initialData: { pages: [{ ...initial, states: initialStates }], pageParams: [0] },
    staleTime: Infinity,
  });
  const { hasNextPage, isFetchingNextPage, isError, fetchNextPage } = query;

  useEffect(() => {
    const el = sentinel.current;
    if (!el) return;
    // Start loading well before the end is reached, so fast scrolling rarely sees the spinner.
    const io = new IntersectionObserver((entries) => setInView(entries.some((e) => e.isIntersecting)), {
      rootMargin: '800px 0px',
    });
    io.observe(el);
    return () => io.disconnect();
  }, []);

  useEffect(() => {
    if (inView && hasNextPage && !isFetchingNextPage && !isError) void fetchNextPage();
  }, [inView, hasNextPage, isFetchingNextPage, isError, fetchNextPage, query.data.pages.length]);

  const pages = query.data.pages;
  const items = pages.flatMap((p) => p.items.map((item) => ({ item, state: p.states?.[item.movie.id] ?? NONE })));
  if (items.length === 0) {
    return (
      <div className="empty" data-testid="feed-empty">
        Nothing matches these filters yet. <Link href="/for-you">Clear the filters</Link> or{' '}
        <Link href="/rate">rate a few more movies</Link>.
      </div>
    );
  }
  return (
    <>
      <div className="grid" data-testid="for-you" data-pages={pages.length}>
        {items.map(({ item, state }) => (
          <div key={item.movie.id} data-source={item.source}>
            <MovieCard {...item.movie} predicted={item.predicted} reason={item.reason} liked={false}>
              <QuickActions movieId={item.movie.id} title={item.movie.title} state={state} />
            </MovieCard>
          </div>
        ))}
      </div>
      <div ref={sentinel} className="pager" data-testid="feed-sentinel">
        {isFetchingNextPage ? (
          <span className="muted" role="status">
            Loading more…
          </span>
        ) : hasNextPage ? (
          <button className="btn" onClick={() => void fetchNextPage()}>
            Load more
          </button>
        ) : (
          <span className="muted">That is everything for now.</span>
        )}
        {isError && (
          <span className="field-error" role="alert" data-testid="feed-error">
            {(query.error as Error).message}{' '}
            <button className="btn btn-ghost small" onClick={() => void fetchNextPage()}>
              Try again
            </button>
          </span>
        )}
      </div>
    </>
  );
}

'use client';

import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { MovieCard } from '@/components/movie-card';
import { feedKeys } from '@/lib/queries/keys';
import type { FeedPage } from '@/lib/validation/feed';

export interface FeedFilters {
  genre?: string;
  yearFrom?: number;
  yearTo?: number;
  diversity: number;
  /** Seeded from a list ("Recommend from this list"). */
  list?: number;
}

/** Infinite For You list: the first page comes from the server render, later pages from GET /api/for-you. */
export function FeedList({ userId, filters, initial }: { userId: number; filters: FeedFilters; initial: FeedPage }) {
  const sentinel = useRef<HTMLDivElement>(null);
  const query = useInfiniteQuery({
    queryKey: [...feedKeys.forYou(userId), filters],
    queryFn: async ({ pageParam }) => {
      const params = new URLSearchParams({
        cursor: String(pageParam),
        limit: '24',
        diversity: String(filters.diversity),
      });
      if (filters.genre) params.set('genre', filters.genre);
      if (filters.yearFrom !== undefined) params.set('yearFrom', String(filters.yearFrom));
      if (filters.yearTo !== undefined) params.set('yearTo', String(filters.yearTo));
      if (filters.list !== undefined) params.set('list', String(filters.list));
      const res = await fetch(`/api/for-you?${params}`, { headers: { accept: 'application/json' } });
      const body = (await res.json().catch(() => null)) as (FeedPage & { error?: string }) | null;
      if (!res.ok || !body) throw new Error(body?.error ?? `Could not load more picks (HTTP ${res.status}).`);
      return body;
    },
    initialPageParam: 0,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    initialData: { pages: [initial], pageParams: [0] },
    staleTime: 0,
  });

  useEffect(() => {
    const el = sentinel.current;
    if (!el) return;
    const io = new IntersectionObserver((entries) => {
      if (entries[0]?.isIntersecting && query.hasNextPage && !query.isFetchingNextPage) void query.fetchNextPage();
    });
    io.observe(el);
    return () => io.disconnect();
  }, [query]);

  const items = query.data.pages.flatMap((p) => p.items);
  if (items.length === 0) return <div className="empty">Nothing matches these filters yet.</div>;
  return (
    <>
      <div className="grid" data-testid="for-you">
        {items.map((item) => (
          <div key={item.movie.id} data-source={item.source}>
            <MovieCard {...item.movie} predicted={item.predicted} reason={item.reason} liked={false} />
          </div>
        ))}
      </div>
      <div ref={sentinel} className="pager">
        {query.isFetchingNextPage ? (
          <span className="muted">Loading more…</span>
        ) : query.hasNextPage ? (
          <button className="btn" onClick={() => void query.fetchNextPage()}>
            Load more
          </button>
        ) : (
          <span className="muted">That is everything for now.</span>
        )}
        {query.isError && <span className="field-error">{(query.error as Error).message}</span>}
      </div>
    </>
  );
}

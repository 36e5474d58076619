import { z } from 'zod';
import type { MovieCard } from './movies';
import { isCleanText } from './common';

/** The For You "familiar ↔ discovery" slider's step (app/(main)/for-you/page.tsx: step="0.1"). */
export const DIVERSITY_STEP = 0.1;
/**
 * The For You query. Every numeric value is an integer in its range, and `diversity` (the only real-valued one) is
 * snapped to the slider's steps before anything uses it: each distinct value is a cache key, and issue 19 showed one
 * member varying `diversity` forcing ~21 cache misses a second. (What is left — cursor, page size and years, all
 * integers — is bounded by the per-member miss budget in lib/server/services/feed-cache.ts.)
 */
export const FeedQuery = z
  .object({
    cursor: z.coerce.number().int().min(0).max(10_000).default(0),
    limit: z.coerce.number().int().min(1).max(60).default(24),
    genre: z.string().trim().min(1).max(40).refine(isCleanText, 'contains characters that are not allowed').optional(),
    yearFrom: z.coerce.number().int().min(1870).max(2100).optional(),
    yearTo: z.coerce.number().int().min(1870).max(2100).optional(),
    /** 0 = most familiar (pure relevance) … 1 = most discovery (MMR λ = 1 − diversity). */
    diversity: z.coerce.number().min(0).max(1).default(0.2),
    /** "Recommend from this list": the list's movies count as liked for this feed (nothing is written). */
    list: z.coerce.number().int().positive().max(2_147_483_647).optional(),
  })
  .refine((q) => q.yearFrom === undefined || q.yearTo === undefined || q.yearFrom <= q.yearTo, {
    message: 'must not be later than To year',
    path: ['yearFrom'],
  })
  .transform((q) => ({ ...q, diversity: Math.round(q.diversity / DIVERSITY_STEP) / Math.round(1 / DIVERSITY_STEP) }));
export type FeedQuery = z.infer<typeof FeedQuery>;

// One page of the For You feed, as the page renders it and GET /api/for-you returns it.

export type FeedSource = 'collaborative' | 'content' | 'popular';

export interface FeedItem {
  movie: MovieCard;
  /** Predicted rating on the 0.5–5 scale. */
  predicted: number;
  reason: string;
  source: FeedSource;
  /** The movie the reason names ("Because you liked …"), when it names one with evidence behind it. */
  because?: number | null;
}

export interface FeedPage {
  items: FeedItem[];
  nextCursor: number | null;
  modelVersion: number | null;
}

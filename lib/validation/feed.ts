import { z } from 'zod';

export const FeedQuery = z.object({
  cursor: z.coerce.number().int().min(0).max(10_000).default(0),
  limit: z.coerce.number().int().min(1).max(60).default(24),
  genre: z.string().trim().min(1).max(40).optional(),
  yearFrom: z.coerce.number().int().min(1870).max(2100).optional(),
  yearTo: z.coerce.number().int().min(1870).max(2100).optional(),
  /** 0 = most familiar (pure relevance) … 1 = most discovery (MMR λ = 1 − diversity). */
  diversity: z.coerce.number().min(0).max(1).default(0.2),
  /** "Recommend from this list": the list's movies count as liked for this feed (nothing is written). */
  list: z.coerce.number().int().positive().optional(),
}).refine((q) => q.yearFrom === undefined || q.yearTo === undefined || q.yearFrom <= q.yearTo, {
  message: 'must not be later than To year',
  path: ['yearFrom'],
});
export type FeedQuery = z.infer<typeof FeedQuery>;

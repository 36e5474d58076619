import { z } from 'zod';

/** Genres MovieLens uses that are formats or gaps, not tastes: never offered as a taste to pick. */
export const NOT_A_TASTE = new Set(['IMAX', 'TV Movie', '(no genres listed)', 'Foreign']);

export const RATE_DECADES = [1950, 1960, 1970, 1980, 1990, 2000, 2010] as const;

const idList = z
  .string()
  .max(8000)
  .transform((s) => s.split(',').filter(Boolean).map(Number))
  .pipe(z.array(z.number().int().positive()).max(1000));

export const RateMoreQuery = z.object({
  decades: z
    .string()
    .max(100)
    .transform((s) => s.split(',').filter(Boolean).map(Number))
    .pipe(z.array(z.number().int().min(1870).max(2030)).max(20))
    .catch([]),
  /** Films already shown or skipped ("haven't seen it") in this session. */
  exclude: idList.catch([]),
  n: z.coerce.number().int().min(1).max(24).catch(12),
});
export type RateMoreQuery = z.infer<typeof RateMoreQuery>;

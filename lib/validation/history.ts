// Viewing history and likes (issue #23): input schemas shared by the forms and the server actions, and the DTOs the
// pages hand to client components (client-safe: no server imports).
import { z } from 'zod';
import { MovieId, RatingValue } from './movies';

/** The first day a watch may be logged on: cinema starts in the 1870s (the database CHECK uses the same bound). */
export const EARLIEST_WATCH_DATE = '1870-01-01';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** true for a real calendar day written as YYYY-MM-DD (rejects 2023-02-30, 2024-13-01…). */
export function isCalendarDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** true when `tz` is an IANA time zone this runtime knows ("Europe/Paris", "UTC"). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false; // RangeError: not a zone; the caller falls back to UTC
  }
}

/** Today's date (YYYY-MM-DD) in `timeZone` at instant `now`. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** The browser's time zone, sent with a watch so "today" means the member's today. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

const FORM_TRUE = new Set(['true', 'on', '1', 'yes']);
/** A checkbox: true/false, or a form's "on" / absent. */
const Flag = z.union([z.boolean(), z.string().transform((s) => FORM_TRUE.has(s.toLowerCase()))]).default(false);

/** An optional half-star rating: absent, null or "" mean no rating. */
const OptionalRating = z.preprocess((v) => (v === '' || v === undefined ? null : v), RatingValue.nullable());

const WatchFields = z.object({
  watchedOn: z.string({ error: 'Enter the date you watched it, like 2024-05-31.' }).trim(),
  rewatch: Flag,
  rating: OptionalRating,
  /** The member's IANA time zone (from the browser): decides what "today" is. Unknown zones count as UTC. */
  timeZone: z.string().max(64).optional(),
});

/**
 * The date rules, as messages a member can act on: a real date, not before 1870, not after today in the member's
 * time zone. `now` is injectable for tests.
 */
export function checkWatchDate(watchedOn: string, timeZone: string | undefined, now: Date = new Date()): string | null {
  if (!isCalendarDate(watchedOn)) return 'Enter a real date, like 2024-05-31.';
  if (watchedOn < EARLIEST_WATCH_DATE) return 'Pick a date from 1 January 1870 onwards.';
  const zone = timeZone && isTimeZone(timeZone) ? timeZone : 'UTC';
  if (watchedOn > todayIn(zone, now)) return 'That date is in the future. Pick today or an earlier day.';
  return null;
}

function refineDate(v: { watchedOn: string; timeZone?: string }, ctx: z.RefinementCtx) {
  const problem = checkWatchDate(v.watchedOn, v.timeZone);
  if (problem) ctx.addIssue({ code: 'custom', path: ['watchedOn'], message: problem });
}

export const LogWatchInput = WatchFields.extend({ movieId: MovieId }).superRefine(refineDate);
export type LogWatchInput = z.input<typeof LogWatchInput>;

export const WatchId = z.coerce
  .number({ error: 'Unknown diary entry.' })
  .int('Unknown diary entry.')
  .positive('Unknown diary entry.');

export const UpdateWatchInput = WatchFields.extend({ watchId: WatchId }).superRefine(refineDate);
export type UpdateWatchInput = z.input<typeof UpdateWatchInput>;

export const WatchRefInput = z.object({ watchId: WatchId });
export type WatchRefInput = z.infer<typeof WatchRefInput>;

export const SetLikedInput = z.object({ movieId: MovieId, on: z.boolean() });
export type SetLikedInput = z.infer<typeof SetLikedInput>;

/** A diary entry as the movie page and the diary show it. */
export interface WatchDto {
  id: number;
  movieId: number;
  /** YYYY-MM-DD (a calendar day, no time zone). */
  watchedOn: string;
  rewatch: boolean;
  rating: number | null;
}

export interface DiaryEntry extends WatchDto {
  title: string;
  year: number | null;
  liked: boolean;
}

export interface DiaryStats {
  year: number;
  /** Distinct films with a watch dated in `year`. */
  filmsThisYear: number;
  watchesThisYear: number;
  /** Σ runtime over watches dated in `year` (minutes); movies without a runtime count 0. */
  minutesThisYear: number;
  minutesAllTime: number;
  /** Watches whose movie has no runtime (so the hours are a lower bound). */
  watchesWithoutRuntime: number;
  /** By number of watches, all time; ties by name. */
  topGenres: { name: string; count: number }[];
  topDirectors: { name: string; count: number }[];
}

export const PageParam = z.coerce.number().int().min(1).max(100_000).catch(1);

export const RatingsSort = z.enum(['rated', 'rating', 'title', 'year']);
export type RatingsSort = z.infer<typeof RatingsSort>;

export const RatingsQuery = z.object({
  page: PageParam,
  sort: RatingsSort.catch('rated'),
  /** Only ratings of exactly this value (half stars). */
  rating: RatingValue.optional().catch(undefined),
});
export type RatingsQuery = z.infer<typeof RatingsQuery>;

/** Count of the member's ratings per half-star value, 0.5 → 5. */
export type RatingHistogram = { value: number; count: number }[];

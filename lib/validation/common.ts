import { z } from 'zod';

/**
 * The one rule for ids and free text that every action, route and page parameter shares (issue 19: a movie id
 * ≥ 2³¹ or a NUL byte used to reach PostgreSQL and come back as a 500). Client-safe.
 */
export const INT32_MAX = 2_147_483_647;

/** True for a whole number from 1 to 2³¹ − 1 (a PostgreSQL `integer` primary key). */
export function isPositiveInt32(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= INT32_MAX;
}

/** A database id from a form, a JSON body or a URL segment: digits only, 1 … 2³¹ − 1. */
export function idSchema(message = 'Unknown id.') {
  return z.preprocess(
    (v) => (typeof v === 'string' && /^\s*\d{1,10}\s*$/.test(v) ? Number(v) : v),
    z.number({ error: message }).refine(isPositiveInt32, message),
  );
}

/** A URL segment such as /movies/[movieId] → the id, or null (the caller answers 404). */
export function parseIdParam(raw: string | string[] | undefined): number | null {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (typeof value !== 'string' || !/^\d{1,10}$/.test(value)) return null;
  const n = Number(value);
  return isPositiveInt32(n) ? n : null;
}

// C0 controls except tab, LF and CR, and DEL: PostgreSQL refuses NUL in text, and none belongs in a name or a query.
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
// Lone UTF-16 surrogates cannot be stored as UTF-8 either.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when a string holds no NUL or other control characters (tab and newlines allowed) and no lone surrogate. */
export function isCleanText(s: string): boolean {
  return !CONTROL_CHARS.test(s) && !LONE_SURROGATE.test(s);
}

/** Free text (trimmed): no control characters, at most `max` characters. */
export function textSchema(max: number, label = 'This field') {
  return z
    .string({ error: `${label} must be text.` })
    .trim()
    .max(max, `${label} must be at most ${max} characters.`)
    .refine(isCleanText, `${label} contains characters that are not allowed.`);
}

/** A search or filter parameter from a URL: clean text or nothing (a bad value is dropped, never a 500). */
export function optionalQueryText(max: number) {
  return z
    .string()
    .trim()
    .max(max)
    .refine(isCleanText)
    .optional()
    .catch(undefined)
    .transform((s) => (s === '' ? undefined : s));
}

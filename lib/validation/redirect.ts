/**
 * Where a sign-in may send the member afterwards. Client-safe (the sign-in form uses it too).
 *
 * A callback is accepted only when `new URL(value, origin)` keeps the app's own origin AND the raw value is a plain
 * same-site path: browsers and Next treat `\`, tab, CR and LF inside a URL leniently (`/\evil.example` becomes
 * `//evil.example`, a protocol-relative URL to another host), and Next decodes `%5C` / `%09` before redirecting, so
 * the value is checked both as typed and percent-decoded. What comes back is rebuilt from the parsed URL (path,
 * query, hash), never the raw string.
 */
export const DEFAULT_CALLBACK = '/for-you';

/** Paths a sign-in must never return to: the auth pages themselves (a loop) and the API (not a page). Sign-out may
 * go to the sign-in page (`allowAuthPages`). */
const FORBIDDEN_PREFIXES = ['/sign-in', '/sign-up', '/api/'];

// Control characters (C0, DEL) and backslashes: never part of a path we link to.
const UNSAFE_CHARS = /[\u0000-\u001f\u007f\\]/;

function fullyDecoded(value: string): string | null {
  let current = value;
  // Decode until stable (double-encoding such as %255C), at most a few rounds.
  for (let i = 0; i < 4; i++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return null; // malformed escape: not a link we made
    }
    if (next === current) return current;
    current = next;
  }
  return null;
}

function isPlainPath(path: string): boolean {
  return path.startsWith('/') && !path.startsWith('//') && !UNSAFE_CHARS.test(path);
}

/**
 * `value` when it is a safe same-origin path (returned normalised: path + query + hash), else `fallback`.
 * `origin` is the app's origin, e.g. `http://localhost:3000`.
 */
export function safeCallbackUrl(
  value: unknown,
  origin: string,
  fallback: string = DEFAULT_CALLBACK,
  options: { allowAuthPages?: boolean } = {},
): string {
  const raw = Array.isArray(value) ? value[0] : value;
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 2048) return fallback;
  if (!isPlainPath(raw)) return fallback;
  const decoded = fullyDecoded(raw);
  if (decoded === null || !isPlainPath(decoded)) return fallback;
  let base: URL;
  let url: URL;
  try {
    base = new URL(origin);
    url = new URL(raw, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base.origin) return fallback;
  const decodedPath = fullyDecoded(url.pathname);
  if (decodedPath === null || !isPlainPath(decodedPath)) return fallback;
  const lower = decodedPath.toLowerCase();
  if (
    !options.allowAuthPages &&
    FORBIDDEN_PREFIXES.some((p) => lower === p || lower.startsWith(p.endsWith('/') ? p : `${p}/`))
  ) {
    return fallback;
  }
  return `${url.pathname}${url.search}${url.hash}`;
}

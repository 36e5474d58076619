/**
 * The security headers of every response, built in one place for both paths that answer requests: proxy.ts (pages
 * and routes served by Next, where the CSP carries a per-request nonce that Next puts on its own scripts) and
 * scripts/server.ts (every response of the production server, including the GET /api/for-you fast path that
 * bypasses Next). No server-only import: proxy.ts and scripts/server.ts both use it.
 */

export interface HeaderOptions {
  /** Served over HTTPS (directly or behind a trusted proxy): adds Strict-Transport-Security. */
  https: boolean;
  /** `next dev`: React needs eval for its debugging aids, and HMR talks over a websocket. */
  dev?: boolean;
}

/** Headers for every response, whatever its type. */
export function baseSecurityHeaders({ https }: HeaderOptions): Record<string, string> {
  const headers: Record<string, string> = {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()',
    // Legacy twin of CSP frame-ancestors for old browsers.
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
  };
  if (https) headers['strict-transport-security'] = 'max-age=63072000; includeSubDomains';
  return headers;
}

/** A fresh nonce for one page response (128 random bits, base64). */
export function createNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/**
 * The CSP of an HTML page. Scripts: only those carrying this response's nonce, and what they load
 * ('strict-dynamic': Next's chunk loader). Styles allow inline: React `style` attributes and chart libraries set
 * them, and styles cannot run code. Images: the app itself, data/blob URLs (generated posters), and the poster
 * host when real posters are configured.
 */
export function pageContentSecurityPolicy(nonce: string, opts: HeaderOptions & { imageOrigins?: string[] }): string {
  const scriptSrc = [`'self'`, `'nonce-${nonce}'`, `'strict-dynamic'`, ...(opts.dev ? [`'unsafe-eval'`] : [])];
  const directives = [
    `default-src 'self'`,
    `script-src ${scriptSrc.join(' ')}`,
    `style-src 'self' 'unsafe-inline'`,
    `img-src 'self' data: blob: ${(opts.imageOrigins ?? []).join(' ')}`.trim(),
    `font-src 'self' data:`,
    `connect-src 'self'${opts.dev ? ' ws: wss:' : ''}`,
    `object-src 'none'`,
    `base-uri 'self'`,
    `form-action 'self'`,
    `frame-ancestors 'none'`,
  ];
  if (opts.https) directives.push('upgrade-insecure-requests');
  return directives.join('; ');
}

/** The CSP of a non-HTML response (JSON, images): nothing may load from it, and nobody may frame it. */
export const API_CONTENT_SECURITY_POLICY = `default-src 'none'; frame-ancestors 'none'`;

/** The origin of a configured poster base URL, for img-src (none when posters are generated). */
export function posterOrigins(posterBaseUrl: string | undefined): string[] {
  if (!posterBaseUrl) return [];
  try {
    return [new URL(posterBaseUrl).origin];
  } catch {
    return [];
  }
}

/** True when the request reached us over HTTPS (x-forwarded-proto is set or cleaned by scripts/server.ts). */
export function isHttpsRequest(forwardedProto: string | null | undefined, urlProtocol?: string): boolean {
  return forwardedProto?.split(',')[0]?.trim() === 'https' || urlProtocol === 'https:';
}

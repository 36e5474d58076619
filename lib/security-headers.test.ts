import { describe, expect, it } from 'vitest';
import {
  API_CONTENT_SECURITY_POLICY,
  baseSecurityHeaders,
  createNonce,
  isHttpsRequest,
  pageContentSecurityPolicy,
  posterOrigins,
} from './security-headers';

describe('security headers', () => {
  it('sends nosniff, a referrer policy, a permissions policy and no framing on every response', () => {
    const h = baseSecurityHeaders({ https: false });
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(h['permissions-policy']).toMatch(/camera=\(\)/);
    expect(h['x-frame-options']).toBe('DENY');
    expect(h['strict-transport-security']).toBeUndefined();
    expect(baseSecurityHeaders({ https: true })['strict-transport-security']).toMatch(/^max-age=\d{8,}/);
  });

  it('builds a page CSP around a fresh nonce, with no unsafe-inline scripts and no framing', () => {
    const a = createNonce();
    const b = createNonce();
    expect(a).not.toBe(b);
    expect(atob(a)).toHaveLength(16);
    const csp = pageContentSecurityPolicy(a, {
      https: false,
      imageOrigins: posterOrigins('https://image.tmdb.org/t/p/w342'),
    });
    const script = csp.split('; ').find((d) => d.startsWith('script-src'))!;
    expect(script).toBe(`script-src 'self' 'nonce-${a}' 'strict-dynamic'`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("img-src 'self' data: blob: https://image.tmdb.org");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(pageContentSecurityPolicy(a, { https: true })).toContain('upgrade-insecure-requests');
    expect(pageContentSecurityPolicy(a, { https: false, dev: true })).toContain("'unsafe-eval'");
    expect(API_CONTENT_SECURITY_POLICY).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it('treats only an https forwarded protocol or URL as HTTPS', () => {
    expect(isHttpsRequest('https')).toBe(true);
    expect(isHttpsRequest('https, http')).toBe(true);
    expect(isHttpsRequest('http')).toBe(false);
    expect(isHttpsRequest(undefined, 'https:')).toBe(true);
    expect(isHttpsRequest(null, 'http:')).toBe(false);
    expect(posterOrigins('not a url')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_CALLBACK, safeCallbackUrl } from './redirect';

const ORIGIN = 'http://localhost:3000';

describe('safeCallbackUrl', () => {
  it.each([
    ['/for-you', '/for-you'],
    ['/movies/42', '/movies/42'],
    ['/movies?genre=Drama&page=2', '/movies?genre=Drama&page=2'],
    ['/watchlist#top', '/watchlist#top'],
    ['/movies/%C3%A9t%C3%A9', '/movies/%C3%A9t%C3%A9'],
    ['/a/../for-you', '/for-you'],
  ])('keeps the same-site path %j', (value, expected) => {
    expect(safeCallbackUrl(value, ORIGIN)).toBe(expected);
  });

  it.each([
    // Every form from issue 19, plus their relatives.
    '/%5Cevil.example',
    '/%5cevil.example',
    '/\\/evil.example',
    '/%09/evil.example',
    '/\\\\evil.example',
    '/\\evil.example',
    '/%255Cevil.example',
    '/%2F/evil.example',
    '/%2f%2fevil.example',
    '//evil',
    '//evil.example/path',
    '///evil.example',
    '/\t/evil.example',
    '/\r\n/evil.example',
    '/for-you\r\nSet-Cookie: a=b',
    '/%0d%0aSet-Cookie:%20a=b',
    '/%0a/evil.example',
    '/%00',
    'https://evil.example/',
    'http://localhost:3000.evil.example/',
    'HTTPS://evil.example',
    'http:evil.example',
    '//localhost:3000@evil.example',
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    ' /for-you',
    'for-you',
    '',
    '/%E0%A4%A', // malformed escape
    '/sign-in',
    '/sign-in?callbackUrl=/for-you',
    '/SIGN-UP',
    '/api/auth/signout',
    '/x'.repeat(1500),
  ])('refuses %j and falls back to the default', (value) => {
    expect(safeCallbackUrl(value, ORIGIN)).toBe(DEFAULT_CALLBACK);
  });

  it('refuses non-strings and takes the first of repeated parameters', () => {
    expect(safeCallbackUrl(undefined, ORIGIN)).toBe(DEFAULT_CALLBACK);
    expect(safeCallbackUrl(42, ORIGIN)).toBe(DEFAULT_CALLBACK);
    expect(safeCallbackUrl(['/ratings', '//evil'], ORIGIN)).toBe('/ratings');
    expect(safeCallbackUrl(['//evil', '/ratings'], ORIGIN)).toBe(DEFAULT_CALLBACK);
  });

  it('lets sign-out land on the sign-in page, and still refuses other sites then', () => {
    expect(safeCallbackUrl('/sign-in', ORIGIN, '/', { allowAuthPages: true })).toBe('/sign-in');
    expect(safeCallbackUrl('/%5Cevil.example', ORIGIN, '/', { allowAuthPages: true })).toBe('/');
  });

  it('uses the given fallback', () => {
    expect(safeCallbackUrl('//evil', ORIGIN, '/')).toBe('/');
  });

  it('never returns a value that resolves to another origin (every printable ASCII pair after a slash)', () => {
    const chars = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
    const extra = ['%5C', '%2F', '%09', '%0A', '%0D', '%00', '\\', '\t'];
    const alphabet = [...chars, ...extra];
    for (const a of alphabet) {
      for (const b of alphabet) {
        const out = safeCallbackUrl(`/${a}${b}evil.example`, ORIGIN);
        // Resolved the way a browser would, backslashes and tabs included.
        const browserish = out.replace(/\\/g, '/').replace(/[\t\r\n]/g, '');
        expect(new URL(browserish, ORIGIN).origin).toBe(ORIGIN);
        expect(out.startsWith('/') && !out.startsWith('//')).toBe(true);
      }
    }
  });
});

// Issue 19 in a real browser against the real `npm start` server, on each database the run started: security headers
// (a page with its CSP nonce, and the /api/for-you fast path), the sign-in open redirect, bad input answered with
// 4xx instead of 500, sign-in throttling as a member sees it (phone width), and revocable sessions (sign-out ends
// that token; "Sign out everywhere" ends them all).
import { describe, expect, it } from 'vitest';
import { E2E_MODES, POLL, openNavIfFolded, useReel } from './harness';

for (const mode of E2E_MODES) {
  describe(`security and bad input (${mode} database)`, () => {
    const { server, newContext, newPage, signUp, signIn } = useReel(mode);

    it('sends the security headers and a per-request CSP nonce on a page, and the page still runs its scripts', async () => {
      const page = await newPage();
      const violations: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' && /Content Security Policy|Refused to (execute|load)/i.test(m.text()))
          violations.push(m.text());
      });
      const res = (await page.goto('/sign-in'))!;
      const h = res.headers();
      const csp = h['content-security-policy'];
      expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}' 'strict-dynamic'/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(h['x-content-type-options']).toBe('nosniff');
      expect(h['referrer-policy']).toBe('strict-origin-when-cross-origin');
      expect(h['permissions-policy']).toContain('camera=()');
      expect(h['x-frame-options']).toBe('DENY');
      expect(h['strict-transport-security']).toBeUndefined(); // plain HTTP on loopback
      const nonce = /'nonce-([^']+)'/.exec(csp)![1];
      // Every script the server wrote into the page carries this request's nonce. (Scripts that Next's runtime
      // inserts later, such as lazily loaded chunks, need none: 'strict-dynamic' trusts what a trusted script adds,
      // and the console check below would show a refused one.)
      const tags = (await res.text()).match(/<script\b[^>]*>/g) ?? [];
      expect(tags.length).toBeGreaterThan(0);
      for (const tag of tags) expect(tag).toContain(`nonce="${nonce}"`);
      // A second load gets a different nonce.
      const again = (await page.goto('/sign-in'))!.headers()['content-security-policy'];
      expect(/'nonce-([^']+)'/.exec(again)![1]).not.toBe(nonce);
      // Hydrated under the CSP: the client-side form validation answers without a round trip.
      await page.fill('#email', 'not-an-email');
      await page.fill('#password', 'x');
      await page.click('button[type=submit]');
      await expect.poll(() => page.locator('.field-error').count(), POLL).toBeGreaterThan(0);
      expect(violations).toEqual([]);
    });

    it('sends the headers on the /api/for-you fast path and on other routes', async () => {
      const page = await newPage();
      for (const path of ['/api/for-you', '/api/for-you?diversity=0.5', '/api/posters/1', '/api/auth/session']) {
        const res = await page.request.get(path, { maxRedirects: 0 });
        expect(res.status(), path).toBeLessThan(500);
        expect(res.headers()['x-content-type-options'], path).toBe('nosniff');
        expect(res.headers()['content-security-policy'], path).toContain("frame-ancestors 'none'");
        expect(res.headers()['referrer-policy'], path).toBe('strict-origin-when-cross-origin');
      }
      const feed = await page.request.get('/api/for-you');
      expect(feed.status()).toBe(401);
      expect(feed.headers()['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    });

    it('never sends a member to another site after signing in, whatever the callback', async () => {
      const page = await newPage();
      const account = await signUp(page, 'redirect');
      for (const evil of [
        '/%5Cevil.example',
        '/\\/evil.example',
        '/%09/evil.example',
        '/\\\\evil.example',
        '//evil.example',
        'https://evil.example/',
      ]) {
        // Signed in: the page redirects at once (307 on the server).
        const res = await page.request.get(`/sign-in?callbackUrl=${encodeURIComponent(evil)}`, { maxRedirects: 0 });
        expect(res.status(), evil).toBe(307);
        expect(res.headers()['location'], evil).toBe('/for-you');
      }
      const crlf = await page.request.get('/sign-in?callbackUrl=%2Ffor-you%0D%0ASet-Cookie%3A%20x%3D1', {
        maxRedirects: 0,
      });
      expect(crlf.status()).toBe(307);
      expect(crlf.headers()['set-cookie'] ?? '').not.toContain('x=1');
      // Signing in through the form with a hostile callback lands on our own page.
      await page.context().clearCookies();
      await signIn(page, account.email, account.password, '/%5Cevil.example');
      await page.waitForURL('**/for-you', { timeout: 150_000 });
      expect(new URL(page.url()).host).toBe(new URL(server.baseUrl).host);
    });

    it('answers out-of-range ids and NUL bytes with 4xx, never 500', async () => {
      const page = await newPage();
      await signUp(page, 'badinput');
      const cases: [string, number[]][] = [
        ['/movies/2147483648', [404]],
        ['/movies/99999999999999999999', [404]],
        ['/movies/-1', [404]],
        ['/movies/1.5', [404]],
        ['/movies/%00', [404]],
        ['/movies?q=%00', [200]],
        ['/movies?genre=Dra%00ma', [200]],
        ['/movies?page=99999999999', [200]],
        ['/api/posters/2147483648', [404]],
        ['/api/posters/%00', [404]],
        ['/api/for-you?genre=%00', [400]],
        ['/api/for-you?cursor=1e400', [400]],
        ['/api/for-you?diversity=NaN', [400]],
        ['/for-you?genre=%00', [200]],
      ];
      for (const [path, ok] of cases) {
        const res = await page.request.get(path, { maxRedirects: 0 });
        expect(ok, `${path} → ${res.status()}`).toContain(res.status());
      }
    });

    it('refuses the 11th sign-in attempt with "try again in N s", on a phone', async () => {
      const page = await newPage(375);
      const account = await signUp(page, 'throttle');
      await page.context().clearCookies();
      await page.goto('/sign-in');
      for (let i = 1; i <= 10; i++) {
        await page.fill('#email', account.email);
        await page.fill('#password', `wrong-password-${i}`);
        const answered = page.waitForResponse((r) => r.url().includes('/api/auth/callback/credentials'), {
          timeout: 60_000,
        });
        await page.click('button[type=submit]');
        const body = (await (await answered).json()) as { url: string };
        expect(body.url, `attempt ${i}`).toContain('error=CredentialsSignin');
        await expect.poll(() => page.locator('button[type=submit]').isEnabled(), POLL).toBe(true);
        expect(await page.textContent('.form-error')).toBe(
          'That email and password do not match an account. Check them and try again.',
        );
      }
      // The right password is refused too now: the account is locked for the window.
      await page.fill('#email', account.email);
      await page.fill('#password', account.password);
      const eleventh = page.waitForResponse((r) => r.url().includes('/api/auth/callback/credentials'), {
        timeout: 60_000,
      });
      await page.click('button[type=submit]');
      const answer = (await (await eleventh).json()) as { url: string };
      expect(decodeURIComponent(answer.url)).toMatch(/error=Too many attempts — try again in \d+ s\./);
      await expect
        .poll(() => page.textContent('.form-error'), POLL)
        .toMatch(/^Too many attempts — try again in \d+ s\.$/);
      expect(new URL(page.url()).pathname).toBe('/sign-in');
    });

    it('ends a signed-out token on the server, and "Sign out everywhere" ends every session', async () => {
      const phone = await newPage(375);
      const account = await signUp(phone, 'sessions');
      // Sign-out: a copy of the cookie taken before signing out stops working.
      const copied = await phone.context().cookies();
      expect((await phone.request.get('/api/for-you')).status()).toBe(200);
      // On a phone the account controls fold behind Menu.
      await openNavIfFolded(phone);
      await phone.click('button:has-text("Sign out")');
      // Signed out, the page offers Sign in (folded behind Menu again after the navigation).
      await phone.waitForSelector('a[href="/sign-in"]', { state: 'attached' });
      const replay = await newContext();
      await replay.addCookies(copied);
      expect((await replay.request.get('/api/for-you')).status()).toBe(401);

      // Two devices signed in; "Sign out everywhere" on the laptop signs the phone out too.
      await signIn(phone, account.email, account.password);
      await phone.waitForURL('**/for-you', { timeout: 150_000 });
      const laptop = await newPage(1280);
      await signIn(laptop, account.email, account.password);
      await laptop.waitForURL('**/for-you', { timeout: 150_000 });
      expect((await phone.request.get('/api/for-you')).status()).toBe(200);
      await laptop.goto('/sign-out');
      await laptop.click('[data-testid=sign-out-everywhere]');
      await laptop.waitForURL('**/sign-in**');
      expect((await phone.request.get('/api/for-you')).status()).toBe(401);
      await phone.goto('/ratings');
      await phone.waitForURL('**/sign-in**');
      // Signing in again works.
      await signIn(phone, account.email, account.password);
      await phone.waitForURL('**/for-you', { timeout: 150_000 });
      expect((await phone.request.get('/api/for-you')).status()).toBe(200);
    });
  });
}

// The browser journeys, run once per database mode (embedded PGlite and the PostgreSQL server).
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { FEED_TIMEOUT, POLL, useReel, type DatabaseMode } from './harness';

export function defineJourneys(mode: DatabaseMode): void {
  describe(`Reel in the browser (${mode} database)`, () => {
    const { newContext, newPage, shot, signUp, cardIds, feedIds } = useReel(mode);

    /** The widget's status text, plus its error message when it shows one (so a failed save explains itself). */
    async function ratingStatus(page: Page): Promise<string> {
      const status = (await page.textContent('[data-testid=rating-status]'))?.trim() ?? '';
      const alert = await page.$('.stars [role=alert]');
      return alert ? `${status} [error: ${(await alert.textContent())?.trim()}]` : status;
    }

    it('redirects a signed-out visit to For You to sign-in', async () => {
      const page = await newPage();
      await page.goto('/for-you');
      await page.waitForURL('**/sign-in**');
      const url = new URL(page.url());
      expect(url.pathname).toBe('/sign-in');
      expect(url.searchParams.get('callbackUrl')).toBe('/for-you');
      expect(await page.textContent('h1')).toBe('Welcome back');
    });

    it('signs up, rates three movies, keeps them out of For You and remembers them after signing in again', async () => {
      const page = await newPage();
      const account = await signUp(page, 'rater');
      const before = await feedIds(page);
      expect(before.length).toBeGreaterThanOrEqual(6);
      const [a, b, c] = before;

      // Movie A: click the left half of the fourth star → 3.5.
      await page.goto(`/movies/${a}`);
      await page.click('[data-testid=rating-stars] .star-half[data-value="3.5"]');
      await expect.poll(() => ratingStatus(page), POLL).toBe('3.5 / 5 · saved');

      // Movie B: click the right half of the fifth star → 5.
      await page.goto(`/movies/${b}`);
      await page.click('[data-testid=rating-stars] .star-half[data-value="5"]');
      await expect.poll(() => ratingStatus(page), POLL).toBe('5.0 / 5 · saved');

      // Movie C: keyboard only. Focus the slider, ArrowRight ×5 (half a star each) → 2.5, then ArrowLeft → 2.
      await page.goto(`/movies/${c}`);
      // Scoped to <main>: right after the load event the streamed page can still sit in React's hidden Suspense
      // container at the end of <body>, and for a moment both copies are in the document.
      const slider = page.locator('main [data-testid=rating-stars][role=slider]');
      await slider.focus();
      for (let k = 1; k <= 5; k++) {
        await page.keyboard.press('ArrowRight');
        await expect.poll(() => ratingStatus(page), POLL).toBe(`${(k / 2).toFixed(1)} / 5 · saved`);
      }
      await page.keyboard.press('ArrowLeft');
      await expect.poll(() => ratingStatus(page), POLL).toBe('2.0 / 5 · saved');
      expect(await slider.getAttribute('aria-valuenow')).toBe('2');
      await shot(page, 'movie');

      const after = await feedIds(page);
      for (const id of [a, b, c]) expect(after).not.toContain(id);
      expect(after.length).toBeGreaterThanOrEqual(3);
      expect(await page.textContent('main, body')).toContain('Based on your 3 ratings');
      await shot(page, 'for-you');

      // Sign out, then back in.
      await page.click('button:has-text("Sign out")');
      await page.waitForSelector('a[href="/sign-in"]');
      await page.goto('/ratings');
      await page.waitForURL('**/sign-in**');
      await page.fill('#email', account.email);
      await page.fill('#password', account.password);
      await page.click('button[type=submit]');
      await page.waitForURL('**/ratings');

      const rated = await page.$$eval('[data-testid=my-ratings] [data-testid=movie-card]', (cards) =>
        cards.map((card) => [
          Number(card.getAttribute('data-movie-id')),
          card.querySelector('.predicted')?.textContent ?? '',
        ]),
      );
      expect(new Map(rated as [number, string][])).toEqual(
        new Map([
          [c, 'You rated ★ 2.0'],
          [b, 'You rated ★ 5.0'],
          [a, 'You rated ★ 3.5'],
        ]),
      );
      expect(rated.map(([id]) => id)).toEqual([c, b, a]); // newest first
      await shot(page, 'ratings');
    });

    it('shows a message next to each bad sign-up field and keeps what was typed', async () => {
      const page = await newPage();
      await page.goto('/sign-up');
      await page.fill('#name', '');
      await page.fill('#email', 'not-an-email');
      await page.fill('#password', 'short');
      await page.click('button[type=submit]');

      await expect.poll(() => page.textContent('#name-error'), POLL).toBe('Tell us what to call you.');
      expect(await page.textContent('#email-error')).toBe('Enter a valid email address, like you@example.com.');
      expect(await page.textContent('#password-error')).toBe('Use at least 10 characters for your password.');
      expect(await page.inputValue('#email')).toBe('not-an-email');
      expect(await page.getAttribute('#email', 'aria-invalid')).toBe('true');
      expect(new URL(page.url()).pathname).toBe('/sign-up');
      await shot(page, 'sign-up-errors');

      // A taken email: sign-up does not say whether the email has an account (issue 19); the sign-in that follows
      // fails for anyone but the owner, and the fields keep their values.
      await page.fill('#name', 'Second Demo');
      await page.fill('#email', 'demo@reel.local');
      await page.fill('#password', 'long-enough-password');
      await page.click('button[type=submit]');
      await expect
        .poll(() => page.textContent('.form-error'), POLL)
        .toBe(
          'We could not sign you in with that email and password. If you already have an account, sign in instead.',
        );
      expect(await page.inputValue('#name')).toBe('Second Demo');
      expect(await page.inputValue('#email')).toBe('demo@reel.local');
      expect(await page.$('#name-error')).toBeNull();
      expect(new URL(page.url()).pathname).toBe('/sign-up');
    });

    it('onboards a new member: favourite genres lead their first picks, and a title rated there counts', async () => {
      const page = await newPage();
      await signUp(page, 'newcomer');
      expect(await page.textContent('h1')).toBe('Welcome, E2E newcomer');
      await shot(page, 'welcome');
      const offered = await cardIds(page, 'onboarding-movies');
      expect(offered).toHaveLength(12);

      await page.click('[data-testid=genre-picker] button.chip:text-is("Animation")');
      await page.click('[data-testid=genre-picker] button.chip:text-is("Sci-Fi")');
      expect(
        await page.getAttribute('[data-testid=genre-picker] button.chip:text-is("Animation")', 'aria-pressed'),
      ).toBe('true');
      await page.click('[data-testid=genre-picker] button:has-text("Save genres")');
      await expect.poll(() => page.textContent('[data-testid=genre-status]'), POLL).toBe('Saved: Animation, Sci-Fi');

      // The titles follow the genres: the first one is now the best-known Animation or Sci-Fi title.
      const first = page.locator('[data-testid=onboarding-movies] [data-testid=movie-card]').first();
      await expect
        .poll(async () => /Animation|Sci-Fi/.test((await first.getAttribute('data-genres')) ?? ''), POLL)
        .toBe(true);
      // Rate it 4.5 from the onboarding grid.
      const rated = Number(await first.getAttribute('data-movie-id'));
      await first.locator('.star-half[data-value="4.5"]').click();
      await expect.poll(() => first.locator('[data-testid=rating-status]').textContent(), POLL).toBe('4.5 / 5 · saved');

      await page.click('[data-testid=welcome-done]');
      await page.waitForURL('**/for-you', { timeout: FEED_TIMEOUT });
      await page.waitForSelector('[data-testid=for-you] [data-testid=movie-card]');
      expect(await page.textContent('main')).toContain('Based on your 1 rating');
      const cards = await page.$$eval('[data-testid=for-you] [data-testid=movie-card]', (els) =>
        els.slice(0, 12).map((c) => ({
          id: Number(c.getAttribute('data-movie-id')),
          genres: (c.getAttribute('data-genres') ?? '').split('|'),
        })),
      );
      expect(cards.map((c) => c.id)).not.toContain(rated);
      const inPicked = cards.filter((c) => c.genres.includes('Animation') || c.genres.includes('Sci-Fi')).length;
      expect(inPicked).toBeGreaterThanOrEqual(9);
    });

    it('adds a movie to the watchlist and hides a "Not interested" movie from For You', async () => {
      const page = await newPage();
      await signUp(page, 'watcher');
      const [keep, hide] = await feedIds(page);

      await page.goto(`/movies/${keep}`);
      await page.click('[data-testid=watchlist-toggle]');
      await page.waitForSelector('[data-testid=watchlist-toggle][aria-pressed=true]:not([disabled])');
      expect(await page.textContent('[data-testid=watchlist-toggle]')).toBe('✓ On your watchlist');
      await page.goto('/watchlist');
      const saved = await cardIds(page, 'watchlist');
      expect(saved).toEqual([keep]);

      await page.goto(`/movies/${hide}`);
      await page.click('[data-testid=dismiss-toggle]');
      await page.waitForSelector('[data-testid=dismiss-toggle][aria-pressed=true]:not([disabled])');
      const feed = await feedIds(page);
      expect(feed).not.toContain(hide);
      expect(feed).toContain(keep); // on the watchlist, not rated: still recommended
    });

    it('loads more picks while the member scrolls (GET /api/for-you), and the API explains bad requests', async () => {
      const page = await newPage();
      await signUp(page, 'scroller');
      const first = await feedIds(page);
      expect(first).toHaveLength(24);
      const more = page.waitForResponse((r) => r.url().includes('/api/for-you?') && r.status() === 200, {
        timeout: FEED_TIMEOUT,
      });
      await page.locator('.pager').scrollIntoViewIfNeeded();
      await more;
      await expect.poll(() => page.locator('[data-testid=for-you] [data-testid=movie-card]').count(), POLL).toBe(48);
      const all = await cardIds(page, 'for-you');
      expect(all.slice(0, 24)).toEqual(first);
      expect(new Set(all).size).toBe(48); // the second page continues the list, no repeats

      const bad = await page.request.get('/api/for-you?limit=500');
      expect(bad.status()).toBe(400);
      expect(((await bad.json()) as { error: string }).error).toMatch(/^limit: /);
      const signedOut = await newContext();
      const anonymous = await signedOut.request.get('/api/for-you');
      expect(anonymous.status()).toBe(401);
      expect(((await anonymous.json()) as { error: string }).error).toBe('Please sign in first.');

      // Year filters from the toolbar; a backwards range is explained, not silently dropped.
      await page.goto('/for-you', { timeout: FEED_TIMEOUT });
      await page.fill('input[name=yearFrom]', '1990');
      await page.fill('input[name=yearTo]', '1999');
      await page.click('.toolbar button[type=submit]');
      await page.waitForURL(/yearFrom=1990/);
      await page.waitForSelector('[data-testid=for-you] [data-testid=movie-card]');
      const years = await page.$$eval('[data-testid=for-you] [data-testid=movie-card]', (cards) =>
        cards.map((c) => Number(c.getAttribute('data-year'))),
      );
      expect(years.length).toBeGreaterThan(0);
      for (const y of years) expect(y >= 1990 && y <= 1999).toBe(true);
      await page.goto('/for-you?yearFrom=2000&yearTo=1990', { timeout: FEED_TIMEOUT });
      expect(await page.textContent('[data-testid=filter-error]')).toContain(
        'From year: must not be later than To year',
      );
    });

    it('browses the catalogue', async () => {
      const page = await newPage();
      await page.goto('/movies');
      await page.waitForSelector('[data-testid=movie-card]');
      expect(await page.$$('[data-testid=movie-card]')).toHaveLength(24);
      expect(await page.textContent('h1')).toBe('Browse movies');
      await shot(page, 'browse');
    });
  });
}

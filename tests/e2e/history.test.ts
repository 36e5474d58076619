// Viewing history and likes (issue #23) in a real browser, on both databases: log a watch with a past date, like a
// movie, see both in /diary and /likes, see For You change, delete the watch, page and sort My ratings.
// UPDATE_SCREENSHOTS=1 refreshes docs/screenshots/diary*.png and ratings-*.png from the embedded-database run.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { E2E_MODES, POLL, useReel } from './harness';

/** More than one page of My ratings (24 a page). */
const N_RATED = 26;

for (const mode of E2E_MODES) {
  describe(`viewing history and likes (${mode} database)`, () => {
    const { screenshots, newPage, signUp, shot, cardIds, feedIds } = useReel(mode, { height: 900, label: 'diarist' });

    /** Same page of the site at phone and desktop widths, for docs/screenshots/. */
    async function shots(path: string, name: string, cookiesFrom: Page) {
      if (!screenshots) return;
      for (const width of [375, 1280]) {
        const page = await newPage(width);
        await page.context().addCookies(await cookiesFrom.context().cookies());
        await page.goto(path);
        // Full length on a phone only for short pages: further down, lazy posters are not loaded yet.
        await shot(page, `${name}-${width}`, { fullPage: width === 375 && name === 'diary' });
      }
    }

    it('logs a watch with a past date, likes a movie, shows both in the diary and likes, moves For You, deletes the watch, and pages and sorts My ratings', async () => {
      const page = await newPage();
      await signUp(page);

      // Rate 26 movies from the catalogue (varied values), so My ratings has two pages and a warm taste profile.
      await page.goto('/movies');
      await page.waitForSelector('[data-testid=movie-card]');
      const browse = await page.$$eval('[data-testid=movie-card]', (cards) =>
        cards.map((c) => Number(c.getAttribute('data-movie-id'))),
      );
      await page.goto('/movies?page=2');
      await page.waitForSelector('[data-testid=movie-card]');
      browse.push(
        ...(await page.$$eval('[data-testid=movie-card]', (cards) =>
          cards.map((c) => Number(c.getAttribute('data-movie-id'))),
        )),
      );
      const toRate = browse.slice(0, N_RATED);
      const value = (i: number) => ((i % 10) + 1) / 2;
      for (const [i, id] of toRate.entries()) {
        await page.goto(`/movies/${id}`);
        await page.click(`[data-testid=rating-stars] .star-half[data-value="${value(i)}"]`);
        await expect
          .poll(() => page.textContent('[data-testid=rating-status]'), POLL)
          .toBe(`${value(i).toFixed(1)} / 5 · saved`);
      }

      const before = await feedIds(page);
      const [watched, liked] = before;

      // Put the first pick on the watchlist, then log a watch of it: the watch takes it off the watchlist.
      await page.goto(`/movies/${watched}`);
      await page.click('[data-testid=watchlist-toggle]');
      await page.waitForSelector('[data-testid=watchlist-toggle][aria-pressed=true]:not([disabled])');
      await page.click('[data-testid=log-watch]');
      // A future date is refused next to the field and nothing is logged.
      await page.fill('[data-testid=log-watch-form] input[type=date]', '2999-01-01');
      await page.click('[data-testid=log-watch-form] button[type=submit]');
      await expect
        .poll(() => page.textContent('#log-watch-form-date-error'), POLL)
        .toBe('That date is in the future. Pick today or an earlier day.');
      expect(await page.inputValue('[data-testid=log-watch-form] input[type=date]')).toBe('2999-01-01');
      expect(await page.locator('[data-testid=watch-entry]').count()).toBe(0);
      await page.fill('[data-testid=log-watch-form] input[type=date]', '1869-12-31');
      await page.click('[data-testid=log-watch-form] button[type=submit]');
      await expect
        .poll(() => page.textContent('#log-watch-form-date-error'), POLL)
        .toBe('Pick a date from 1 January 1870 onwards.');
      // A past date, no rating, not a rewatch.
      await page.fill('[data-testid=log-watch-form] input[type=date]', '2024-05-31');
      await page.click('[data-testid=log-watch-form] button[type=submit]');
      await page.waitForSelector('[data-testid=watch-entry][data-watched-on="2024-05-31"]');
      expect(await page.textContent('[data-testid=watch-entry]')).toContain('31 May 2024');
      expect(await page.getAttribute('[data-testid=watchlist-toggle]', 'aria-pressed')).toBe('false');
      await page.reload();
      expect(await page.locator('[data-testid=watch-entry][data-watched-on="2024-05-31"]').count()).toBe(1);
      expect(await page.getAttribute('[data-testid=watchlist-toggle]', 'aria-pressed')).toBe('false');
      const watchedTitle = (await page.textContent('h1'))!.replace(/\s*\(\d{4}\)\s*$/, '').trim();

      // Like the second pick; "Undo" takes it back, the heart gives it again.
      await page.goto(`/movies/${liked}`);
      const heart = page.locator('.detail [data-testid=like-button]');
      await heart.click();
      await expect.poll(() => heart.getAttribute('aria-pressed'), POLL).toBe('true');
      await page.click('[data-testid=like-undo]');
      await expect.poll(() => heart.getAttribute('aria-pressed'), POLL).toBe('false');
      await heart.click();
      await expect.poll(() => heart.getAttribute('aria-pressed'), POLL).toBe('true');
      await page.waitForLoadState('networkidle');
      await page.reload();
      expect(await heart.getAttribute('aria-pressed')).toBe('true');

      // The diary shows the watch under its month; the likes page shows the liked movie.
      await page.goto('/diary');
      const entry = page.locator(`[data-testid=diary-entry][data-movie-id="${watched}"]`);
      expect(await entry.getAttribute('data-watched-on')).toBe('2024-05-31');
      expect(await page.textContent('section[aria-label="May 2024"] h2')).toBe('May 2024');
      expect(await entry.textContent()).toContain(watchedTitle);
      expect(await page.textContent('[data-testid=diary-stats]')).toContain('hours all time');
      await page.goto('/likes');
      expect(await cardIds(page, 'likes')).toEqual([liked]);
      expect(await page.getAttribute('[data-testid=likes] [data-testid=like-button]', 'aria-pressed')).toBe('true');

      // For You moves at once: both are out of it, and the rest of the list is re-ranked with them folded in.
      const after = await feedIds(page);
      expect(after).not.toContain(watched);
      expect(after).not.toContain(liked);
      expect(await page.textContent('main')).toContain(`Based on your ${N_RATED} ratings, 1 like and 1 film watched.`);
      const rest = (ids: number[]) => ids.filter((id) => id !== watched && id !== liked).slice(0, 12);
      expect(rest(after)).not.toEqual(rest(before));

      // Delete the watch from the movie page: the diary is empty again and the movie is not rated.
      await page.goto(`/movies/${watched}`);
      await page.click('[data-testid=delete-watch]');
      await page.click('[data-testid=confirm-delete-watch]');
      await expect.poll(() => page.locator('[data-testid=watch-entry]').count(), POLL).toBe(0);
      await page.goto('/diary');
      expect(await page.locator('[data-testid=diary-entry]').count()).toBe(0);

      // Log the liked movie with the form's default date (today in the browser's time zone), a rating and as a
      // rewatch; and the deleted viewing again, so the diary has two months with marks.
      await page.goto(`/movies/${liked}`);
      await page.click('[data-testid=log-watch]');
      const today = await page.evaluate(() =>
        new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date()),
      );
      expect(await page.inputValue('[data-testid=log-watch-form] input[type=date]')).toBe(today);
      await page.selectOption('[data-testid=log-watch-form] select', '4.5');
      await page.check('[data-testid=log-watch-form] input[type=checkbox]');
      await page.click('[data-testid=log-watch-form] button[type=submit]');
      await page.waitForSelector(`[data-testid=watch-entry][data-watched-on="${today}"]`);
      await expect.poll(() => page.textContent('[data-testid=rating-status]'), POLL).toMatch(/^4\.5 \/ 5/);
      // Edit it: a rating of 4 instead; the entry and the member's rating follow (it is the newest rated viewing).
      await page.click('[data-testid=edit-watch]');
      await page.selectOption('[data-testid=edit-watch-form] select', '4');
      await page.click('[data-testid=edit-watch-form] button[type=submit]');
      await expect
        .poll(() => page.textContent(`[data-testid=watch-entry][data-watched-on="${today}"]`), POLL)
        .toContain('★ 4.0');
      await expect.poll(() => page.textContent('[data-testid=rating-status]'), POLL).toMatch(/^4\.0 \/ 5/);
      await page.goto(`/movies/${watched}`);
      await page.click('[data-testid=log-watch]');
      await page.fill('[data-testid=log-watch-form] input[type=date]', '2024-05-31');
      await page.click('[data-testid=log-watch-form] button[type=submit]');
      await page.waitForSelector('[data-testid=watch-entry][data-watched-on="2024-05-31"]');
      await page.goto('/diary');
      expect(
        await page.$$eval('[data-testid=diary-entry]', (rows) =>
          rows.map((r) => Number(r.getAttribute('data-movie-id'))),
        ),
      ).toEqual([liked, watched]);
      const marked = page.locator(`[data-testid=diary-entry][data-movie-id="${liked}"]`);
      expect(await marked.locator('[data-testid=mark-like]').count()).toBe(1);
      expect(await marked.locator('[data-testid=mark-rewatch]').count()).toBe(1);
      expect(await marked.textContent()).toContain('★ 4.0');
      expect(await page.textContent('[data-testid=films-this-year]')).toBe(
        today.slice(0, 4) === String(new Date().getUTCFullYear()) ? '1' : '0',
      );
      await shots('/diary', 'diary', page);

      // My ratings: 27 ratings (26 + the watch's 4.5) → 24 on page one, the rest on page two, newest first.
      await page.goto('/ratings');
      expect(await page.textContent('[data-testid=ratings-summary]')).toContain(
        `${N_RATED + 1} movies rated, newest first.`,
      );
      const page1 = await cardIds(page, 'my-ratings');
      expect(page1).toHaveLength(24);
      expect(page1[0]).toBe(liked);
      expect(page1[1]).toBe(toRate[N_RATED - 1]);
      expect(await page.textContent('[data-testid=my-ratings] [data-testid=rated-on]')).toMatch(
        /^Rated \d{1,2} [A-Z][a-z]{2} \d{4}$/,
      );
      await page.click('[data-testid=pager] a[rel=next]');
      await page.waitForURL(/page=2/);
      const page2 = await cardIds(page, 'my-ratings');
      expect(page2).toHaveLength(N_RATED + 1 - 24);
      expect(new Set([...page1, ...page2]).size).toBe(N_RATED + 1);

      // Sorted by rating: highest first, across the page.
      await page.goto('/ratings');
      await page.click('[data-testid=ratings-sort] a:text-is("Rating")');
      await page.waitForURL(/sort=rating/);
      const values = await page.$$eval('[data-testid=my-ratings] .predicted', (els) =>
        els.map((e) => Number(e.textContent!.replace(/[^\d.]/g, ''))),
      );
      expect(values).toHaveLength(24);
      expect(values[0]).toBe(5);
      for (let i = 1; i < values.length; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
      // Sorted by year: newest first.
      await page.click('[data-testid=ratings-sort] a:text-is("Year")');
      await page.waitForURL(/sort=year/);
      const years = await page.$$eval('[data-testid=my-ratings] [data-testid=movie-card]', (els) =>
        els.map((e) => Number(e.getAttribute('data-year'))),
      );
      for (let i = 1; i < years.length; i++) expect(years[i]).toBeLessThanOrEqual(years[i - 1]);
      // Filtered by one value from the histogram's links: only those cards, with the count in the summary.
      await page.click('[data-testid=ratings-filter] a:has-text("★ 2.5")');
      await page.waitForURL(/rating=2\.5/);
      const filtered = await page.$$eval('[data-testid=my-ratings] .predicted', (els) => els.map((e) => e.textContent));
      expect(filtered.length).toBe(toRate.filter((_, i) => value(i) === 2.5).length);
      for (const t of filtered) expect(t).toBe('You rated ★ 2.5');
      expect(await page.locator('[data-testid=rating-histogram] svg').count()).toBeGreaterThan(0);
      await shots('/ratings', 'ratings-page', page);
    }, 600_000);

    it('sends a signed-out visitor of the diary, likes and ratings pages to sign-in', async () => {
      const page = await newPage(375);
      for (const path of ['/diary', '/likes', '/ratings']) {
        await page.goto(path);
        await page.waitForURL('**/sign-in**');
        expect(new URL(page.url()).searchParams.get('callbackUrl')).toBe(path);
      }
    });
  });
}

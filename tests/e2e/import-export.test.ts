// The history journey in a real browser, on both databases: import a Letterboxd export (one malformed line, one
// unknown title, one ambiguous title picked in the preview), find the items and the list in order, reorder the list by
// keyboard, export and re-import with no change, keep a private list from another member (URL, seeded For You,
// export and the server action itself), reorder the list by dragging with the mouse, add to and remove from a list
// from cards (search results at 375 px, the watchlist), confirm a large export as a background job with a progress
// bar that survives closing the tab, then delete the account and fail to sign in. Checks the preview at 375 px.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parse } from 'csv-parse/sync';
import { E2E_MODES, FEED_TIMEOUT as SLOW, POLL, useReel } from './harness';
import { generateLetterboxdExport, zipFolder } from '../../lib/import/test-helpers';

const FIXTURE = resolve('tests', 'fixtures', 'imports', 'e2e-letterboxd');
// Demo catalogue (MovieLens ml-latest-small) ids of the films in the fixture.
const MATRIX = 2571;
const HEAT = 6;
const FARGO = 608;
const AMELIE = 4973;
const PASSENGER = 26350;
const WAR_OF_THE_WORLDS_B = 64997; // the second "War of the Worlds (2005)"
const TOY_STORY = 1;
const DATA_DIR = resolve(process.env.DATA_DIR ?? resolve('..', 'shared', 'data'));

/** A generated Letterboxd export over the demo catalogue's films, above IMPORT_JOB_MIN_ROWS (2,000): a job. */
function largeExport(rows: number): Buffer {
  const movies = parse(readFileSync(resolve(DATA_DIR, 'movielens', 'ml-latest-small', 'movies.csv')), {
    columns: true,
  }) as { title: string }[];
  const films = movies.map((m) => {
    const y = /^(.*?)\s*\((\d{4})\)\s*$/.exec(m.title.trim());
    return y ? { title: y[1], year: Number(y[2]) } : { title: m.title.trim(), year: null };
  });
  return Buffer.from(generateLetterboxdExport(films, rows, 21));
}

for (const mode of E2E_MODES) {
  describe(`import, lists, export and account deletion (${mode} database)`, () => {
    const { newPage, signUp, shot } = useReel(mode, { height: 900 });
    const account = {
      name: 'E2E importer',
      email: `importer-${randomBytes(4).toString('hex')}@e2e.reel.local`,
      password: `pw-${randomBytes(8).toString('hex')}`,
    };
    let page: Page;
    let listId = 0;
    let reorderRequest: { url: string; headers: Record<string, string>; body: string } | null = null;

    beforeAll(async () => {
      page = await newPage();
    });

    async function upload(p: Page, name: string, buffer: Buffer) {
      await p.goto('/settings/import');
      await p.setInputFiles('#import-file', {
        name,
        mimeType: name.endsWith('.zip') ? 'application/zip' : 'text/csv',
        buffer,
      });
      await p.click('[data-testid=import-upload] button[type=submit]');
      await p.waitForURL(/\/settings\/import\/\d+$/, { timeout: SLOW });
      await p.waitForSelector('[data-testid=import-preview]');
    }

    const count = async (p: Page, id: string) =>
      Number((await p.textContent(`[data-testid=count-${id}] strong`))?.trim());

    it('imports a Letterboxd export: preview with a malformed line, an unknown title and an ambiguous pick, then confirm', async () => {
      await signUp(page, account);
      await upload(page, 'letterboxd-e2e.zip', Buffer.from(zipFolder(FIXTURE)));

      expect(await count(page, 'malformed')).toBe(1);
      expect(await count(page, 'unmatched')).toBe(1);
      expect(await count(page, 'ambiguous')).toBe(1);
      expect(await count(page, 'conflicts')).toBe(0);
      const malformed = await page.textContent('[data-testid=malformed-rows] tbody');
      expect(malformed).toContain('ratings.csv');
      expect(malformed).toContain('4'); // Fargo's line
      expect(malformed).toContain('rating "7" is not between 0.5 and 5 in half stars');
      expect(await page.textContent('[data-testid=unmatched-rows]')).toContain('A Film Nobody Ever Made');
      expect(await page.textContent('[data-testid=import-warnings]')).toContain('profile.csv');

      // The preview on a phone: the page fits the width (wide tables scroll inside their own box).
      const phone = await newPage(375);
      await phone.context().addCookies(await page.context().cookies());
      await phone.goto(new URL(page.url()).pathname);
      await phone.waitForSelector('[data-testid=import-preview]');
      const fit = await phone.$eval('[data-testid=import-preview]', (el) => {
        const wide = [...el.querySelectorAll<HTMLElement>('*')].filter(
          (c) => !c.closest('.table-scroll') && c.getBoundingClientRect().right > window.innerWidth + 1,
        );
        return { right: el.getBoundingClientRect().right, overflowing: wide.map((c) => c.tagName + '.' + c.className) };
      });
      expect(fit.right).toBeLessThanOrEqual(375);
      expect(fit.overflowing).toEqual([]);
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      await expect.poll(() => phone.isVisible('[data-testid=confirm-import]'), POLL).toBe(true);
      await shot(phone, 'import-preview-375', { fullPage: true, settle: false });
      await shot(page, 'import-preview', { fullPage: true, settle: false });

      // Pick the second "War of the Worlds (2005)".
      await page.selectOption('[data-testid=ambiguous-rows] select', String(WAR_OF_THE_WORLDS_B));
      await page.click('[data-testid=confirm-import]');
      await page.waitForSelector('[data-testid=import-summary]', { timeout: SLOW });
      const summary = await page.textContent('[data-testid=import-summary]');
      expect(summary).toMatch(/5\s*ratings added/);
      expect(summary).toMatch(/1\s*added to watchlist/);
      expect(summary).toMatch(/1\s*lists created/);
      expect(await page.textContent('[data-testid=history-imported]')).toContain('1 watches, 1 likes imported');
      // The diary entry keeps its watched date; the like is on the likes page.
      await page.goto('/diary');
      expect(
        await page.$$eval('[data-testid=diary-entry]', (rows) =>
          rows.map((r) => [Number(r.getAttribute('data-movie-id')), r.getAttribute('data-watched-on')]),
        ),
      ).toContainEqual([HEAT, '2020-06-01']);
      await page.goto('/likes');
      expect(
        await page.$$eval('[data-testid=likes] [data-testid=movie-card]', (cards) =>
          cards.map((c) => Number(c.getAttribute('data-movie-id'))),
        ),
      ).toContain(MATRIX);
    });

    it('shows the imported ratings, watchlist and list in order, and the list predicts ratings for the viewer', async () => {
      await page.goto('/ratings');
      const rated = await page.$$eval('[data-testid=movie-card]', (cards) =>
        cards.map((c) => Number(c.getAttribute('data-movie-id'))),
      );
      expect(new Set(rated)).toEqual(new Set([MATRIX, HEAT, AMELIE, PASSENGER, WAR_OF_THE_WORLDS_B]));

      await page.goto('/watchlist');
      expect(
        await page.$$eval('[data-testid=watchlist] [data-testid=movie-card]', (cards) =>
          cards.map((c) => Number(c.getAttribute('data-movie-id'))),
        ),
      ).toEqual([TOY_STORY]);

      await page.goto('/lists');
      await page.click('[data-testid=list-card]:has-text("E2E heist night")');
      await page.waitForURL(/\/lists\/\d+$/);
      listId = Number(new URL(page.url()).pathname.split('/').pop());
      const entries = () =>
        page.$$eval('[data-testid=list-entry]', (rows) => rows.map((r) => Number(r.getAttribute('data-movie-id'))));
      expect(await entries()).toEqual([FARGO, MATRIX, HEAT]);
      expect(await page.textContent('[data-testid=list-description]')).toBe('Crime, in order');
      // Fargo is not rated: the page shows what the model predicts for this member.
      expect(
        await page.textContent(
          `[data-testid=list-entry][data-movie-id="${FARGO}"] [data-testid=list-entry-prediction]`,
        ),
      ).toMatch(/Predicted for you: ★ \d\.\d/);

      // Keyboard reorder: focus Heat's handle, ArrowUp twice → first. The request is kept to replay as another member.
      page.on('request', (req) => {
        if (req.method() === 'POST' && req.headers()['next-action'] && !reorderRequest) {
          reorderRequest = { url: req.url(), headers: req.headers(), body: req.postData() ?? '' };
        }
      });
      await page.focus(`[data-testid=list-entry][data-movie-id="${HEAT}"] .drag-handle`);
      await page.keyboard.press('ArrowUp');
      await page.keyboard.press('ArrowUp');
      await expect.poll(entries, POLL).toEqual([HEAT, FARGO, MATRIX]);
      await expect
        .poll(async () => {
          await page.reload();
          return entries();
        }, POLL)
        .toEqual([HEAT, FARGO, MATRIX]);
      expect(reorderRequest).not.toBeNull();
    });

    it('exports in Letterboxd format and re-imports with no change', async () => {
      const res = await page.request.get('/api/export/letterboxd.zip');
      expect(res.status()).toBe(200);
      const zip = await res.body();
      const json = await (await page.request.get('/api/export/reel.json')).json();
      expect(json.ratings).toHaveLength(5);
      expect(json.lists[0].items.map((i: { movieId: number }) => i.movieId)).toEqual([HEAT, FARGO, MATRIX]);

      await upload(page, 'reel-export.zip', zip);
      expect(await count(page, 'malformed')).toBe(0);
      expect(await count(page, 'unmatched')).toBe(0);
      expect(await count(page, 'ambiguous')).toBe(0);
      expect(await count(page, 'conflicts')).toBe(0);
      await page.click('[data-testid=confirm-import]');
      await page.waitForSelector('[data-testid=import-summary]', { timeout: SLOW });
      const summary = await page.textContent('[data-testid=import-summary]');
      expect(summary).toMatch(/0\s*ratings added/);
      expect(summary).toMatch(/0\s*ratings replaced/);
      expect(summary).toMatch(/0\s*added to watchlist/);
      expect(summary).toMatch(/0\s*lists created/);
      expect(summary).toMatch(/0\s*list entries added/);
      expect(await page.textContent('[data-testid=history-imported]')).toContain('0 watches, 0 likes imported');
      await page.goto(`/lists/${listId}`);
      expect(
        await page.$$eval('[data-testid=list-entry]', (rows) =>
          rows.map((r) => Number(r.getAttribute('data-movie-id'))),
        ),
      ).toEqual([HEAT, FARGO, MATRIX]);
    });

    it('keeps a private list from another member: page, seeded For You, export and server action', async () => {
      const other = await newPage();
      await signUp(other, {
        name: 'E2E other',
        email: `other-${randomBytes(4).toString('hex')}@e2e.reel.local`,
        password: `pw-${randomBytes(8).toString('hex')}`,
      });
      const res = await other.goto(`/lists/${listId}`);
      expect(res?.status()).toBe(404);
      expect(await other.textContent('body')).not.toContain('E2E heist night');
      await other.goto(`/for-you?list=${listId}`, { timeout: SLOW });
      // Every alert, polled: the page streams in behind its loading state, and Next's route announcer is an alert too.
      await expect
        .poll(() => other.locator('[role=alert]').allTextContents(), POLL)
        .toContainEqual(expect.stringContaining('That list does not exist or is private.'));
      expect((await other.request.get(`/api/export/list-${listId}.csv`)).status()).toBe(404);

      // The owner's own reorder request, replayed with the other member's session: refused, nothing moves.
      const { url, headers, body } = reorderRequest!;
      const replay = await other.request.post(url, {
        headers: {
          'next-action': headers['next-action'],
          'content-type': headers['content-type'] ?? 'text/plain;charset=UTF-8',
          accept: 'text/x-component',
          ...(headers['next-router-state-tree'] ? { 'next-router-state-tree': headers['next-router-state-tree'] } : {}),
        },
        data: body.replace(/\[[\d,]+\]/, `[${[MATRIX, FARGO, HEAT].join(',')}]`),
      });
      expect(await replay.text()).toContain('That list does not exist or is private.');
      await page.goto(`/lists/${listId}`);
      expect(
        await page.$$eval('[data-testid=list-entry]', (rows) =>
          rows.map((r) => Number(r.getAttribute('data-movie-id'))),
        ),
      ).toEqual([HEAT, FARGO, MATRIX]);

      // Once public, anyone with the link reads it (read-only), and it can seed their For You.
      await page.click('[data-testid=list-settings] summary');
      await page.check('[data-testid=list-public]');
      await page.click('[data-testid=list-settings] button[type=submit]');
      await expect.poll(() => page.textContent('[data-testid=list-settings] [role=status]'), POLL).toBe('Saved.');
      const open = await other.goto(`/lists/${listId}`);
      expect(open?.status()).toBe(200);
      expect(
        await other.$$eval('[data-testid=list-entry]', (rows) =>
          rows.map((r) => Number(r.getAttribute('data-movie-id'))),
        ),
      ).toEqual([HEAT, FARGO, MATRIX]);
      expect(await other.$('.drag-handle')).toBeNull();
      await other.click('[data-testid=recommend-from-list]');
      await other.waitForSelector('[data-testid=seed-list]', { timeout: SLOW });
      const seeded = await other.$$eval('[data-testid=for-you] [data-testid=movie-card]', (cards) =>
        cards.map((c) => Number(c.getAttribute('data-movie-id'))),
      );
      expect(seeded.length).toBeGreaterThan(0);
      expect(seeded).not.toContain(HEAT); // the seeds themselves are not recommended back
      await other.goto('/ratings');
      expect(await other.$$('[data-testid=movie-card]')).toHaveLength(0); // seeding wrote no ratings
    });

    it('reorders the list by dragging a handle with the mouse, and the order is saved', async () => {
      await page.goto(`/lists/${listId}`);
      const entries = () =>
        page.$$eval('[data-testid=list-entry]', (rows) => rows.map((r) => Number(r.getAttribute('data-movie-id'))));
      expect(await entries()).toEqual([HEAT, FARGO, MATRIX]);
      // Real pointer events: press on The Matrix's handle, move in steps onto Heat's row, release.
      const from = (await page
        .locator(`[data-testid=list-entry][data-movie-id="${MATRIX}"] .drag-handle`)
        .boundingBox())!;
      const to = (await page.locator(`[data-testid=list-entry][data-movie-id="${HEAT}"]`).boundingBox())!;
      await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
      await page.mouse.down();
      await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2 - 12, { steps: 4 });
      await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
      await page.mouse.up();
      await expect.poll(entries, POLL).toEqual([MATRIX, HEAT, FARGO]);
      await expect
        .poll(async () => {
          await page.reload();
          return entries();
        }, POLL)
        .toEqual([MATRIX, HEAT, FARGO]);
    });

    it('adds a movie to a list from a search result card on a phone, and removes it from a watchlist card', async () => {
      const phone = await newPage(375);
      await phone.context().addCookies(await page.context().cookies());
      await phone.goto('/search?q=Toy%20Story');
      const card = phone.locator(`[data-testid=search-movies] [data-testid=movie-card][data-movie-id="${TOY_STORY}"]`);
      const open = card.locator('[data-testid=quick-lists]');
      const button = (await open.boundingBox())!;
      expect(button.height).toBeGreaterThanOrEqual(40); // a thumb's target on the card
      await open.click();
      const dialog = card.locator('[data-testid=lists-dialog]');
      await dialog.waitFor({ state: 'visible' });
      const row = dialog.locator('label:has-text("E2E heist night")');
      const rowBox = (await row.boundingBox())!;
      expect(rowBox.height).toBeGreaterThanOrEqual(44);
      const dialogBox = (await dialog.boundingBox())!;
      expect(dialogBox.x).toBeGreaterThanOrEqual(0);
      expect(dialogBox.x + dialogBox.width).toBeLessThanOrEqual(375);
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      await row.locator('input[type=checkbox]').check();
      await shot(phone, 'add-to-list-card-375', { settle: false });
      await dialog.locator('[data-testid=lists-done]').click();
      await dialog.waitFor({ state: 'hidden' });
      const listed = async (p: Page) => {
        await p.goto(`/lists/${listId}`);
        return p.$$eval('[data-testid=list-entry]', (rows) => rows.map((r) => Number(r.getAttribute('data-movie-id'))));
      };
      await expect.poll(() => listed(page), POLL).toEqual([MATRIX, HEAT, FARGO, TOY_STORY]);

      // Toy Story is on the watchlist: its card there shows the list ticked, and unticking takes it off the list.
      await page.goto('/watchlist');
      const wcard = page.locator(`[data-testid=watchlist] [data-testid=movie-card][data-movie-id="${TOY_STORY}"]`);
      await wcard.locator('[data-testid=quick-lists]').click();
      const box = wcard.locator('[data-testid=lists-dialog] label:has-text("E2E heist night") input[type=checkbox]');
      await expect.poll(() => box.isChecked(), POLL).toBe(true);
      await box.uncheck();
      await wcard.locator('[data-testid=lists-done]').click();
      await expect.poll(() => listed(page), POLL).toEqual([MATRIX, HEAT, FARGO]);
    });

    it('confirms a large export as a background job: a progress bar, and after closing the tab the import page shows it', async () => {
      const who = {
        name: 'E2E large importer',
        email: `large-${randomBytes(4).toString('hex')}@e2e.reel.local`,
        password: `pw-${randomBytes(8).toString('hex')}`,
      };
      const tab = await newPage();
      await signUp(tab, who);
      await upload(tab, 'letterboxd-large.zip', largeExport(2600));
      expect(await count(tab, 'matched')).toBeGreaterThan(2000);
      await tab.click('[data-testid=confirm-import]');
      // Queued for the worker: the bar shows the phase and, while writing, rows done of the total.
      await tab.waitForSelector('[data-testid=import-job] [role=progressbar]', { timeout: SLOW });
      expect(await tab.getAttribute('[data-testid=import-job-text]', 'aria-live')).toBe('polite');
      expect(await tab.getAttribute('[data-testid=import-job-bar]', 'aria-valuetext')).toMatch(
        /Waiting|Reading|Writing|done/,
      );
      const cookies = await tab.context().cookies();
      await tab.close(); // the member closes the tab while it runs

      const back = await newPage(375);
      await back.context().addCookies(cookies);
      await back.goto('/settings/import');
      const job = back.locator('[data-testid=import-job]');
      await job.waitFor();
      expect(['APPLYING', 'APPLIED']).toContain(await job.getAttribute('data-status'));
      await expect.poll(() => job.getAttribute('data-status'), { timeout: SLOW, interval: 500 }).toBe('APPLIED');
      const text = await back.textContent('[data-testid=import-job-text]');
      const added = Number(/Import done: (\d+) ratings added/.exec(text ?? '')?.[1]);
      expect(added).toBeGreaterThan(1000);
      expect(await back.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      await shot(back, 'import-job-375');
      await expect
        .poll(async () => {
          await back.reload();
          return back.textContent('[data-testid=recent-imports]');
        }, POLL)
        .toContain('imported');
      await back.goto('/ratings');
      expect(await back.$$('[data-testid=movie-card]')).not.toHaveLength(0);
    });

    it('changes the password under the policy: this browser stays signed in, another signed-in browser is signed out', async () => {
      const other = await newPage(375);
      await other.context().addCookies(await page.context().cookies());
      await other.goto('/settings');
      expect(await other.inputValue('#profile-email')).toBe(account.email);
      expect(await other.getAttribute('[data-testid=sign-out-everywhere-link]', 'href')).toBe('/sign-out');
      expect(await other.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

      await page.goto('/settings');
      const submit = async (current: string, next: string) => {
        await page.fill('#current-password', current);
        await page.fill('#new-password', next);
        await page.fill('#confirm-password', next);
        await page.click('[data-testid=password-form] button[type=submit]');
      };
      await submit(account.password, 'password123'); // long enough, but on the common-passwords list
      await expect
        .poll(() => page.textContent('[data-testid=password-form] [role=alert]'), POLL)
        .toContain('common passwords');
      const next = `nw-${randomBytes(8).toString('hex')}`;
      await submit(account.password, next);
      await expect
        .poll(() => page.textContent('[data-testid=password-form] [role=status]'), POLL)
        .toContain('Your other devices are signed out');
      account.password = next;

      await page.goto('/settings');
      expect(new URL(page.url()).pathname).toBe('/settings');
      expect(await page.inputValue('#profile-email')).toBe(account.email);
      await other.goto('/settings');
      await other.waitForURL('**/sign-in**');
    });

    it('deletes the account: every session stops at once and signing in fails', async () => {
      // A second signed-in browser of the same member.
      const second = await newPage();
      await second.context().addCookies(await page.context().cookies());
      await second.goto('/settings');
      expect(await second.inputValue('#profile-email')).toBe(account.email);

      await page.goto('/settings');
      await page.fill('#confirm-email', 'not-my-email@e2e.reel.local');
      await page.click('[data-testid=delete-account]');
      await expect
        .poll(() => page.textContent('[data-testid=delete-account-form] [role=alert]'), POLL)
        .toContain('Type the email address of this account');
      await page.fill('#confirm-email', account.email.toUpperCase());
      await page.click('[data-testid=delete-account]');
      await page.waitForURL((u) => u.pathname === '/', { timeout: SLOW });

      await second.goto('/settings');
      await second.waitForURL('**/sign-in**');
      expect((await second.request.get('/api/export/reel.json')).status()).toBe(401);

      await page.goto('/sign-in');
      await page.fill('#email', account.email);
      await page.fill('#password', account.password);
      await page.click('button[type=submit]');
      await expect.poll(() => page.textContent('form [role=alert]'), POLL).toBeTruthy();
      expect(new URL(page.url()).pathname).toBe('/sign-in');
    });
  });
}

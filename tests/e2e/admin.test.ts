// The admin's journeys in a real browser: model versions with metrics, retrain with live progress, rollback, and a
// reload of the server's data folder (the Models tab's button leads to the console's dry run); and a member is kept out of the admin pages. Runs on the
// server-database instance. The catalogue console (upload, dry run, progress, every admin action refused to members,
// both databases) is tests/e2e/admin-console.test.ts.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useReel } from './harness';

const JOB_TIMEOUT = 8 * 60_000;

describe('Reel admin in the browser', () => {
  const { signInAs } = useReel('server', { height: 900 });

  async function versionRows(page: Page) {
    return page.$$eval('[data-testid=model-versions] tbody tr', (rows) =>
      rows.map((r) => ({
        version: r.querySelector('td')?.textContent ?? '',
        status: r.getAttribute('data-status') ?? '',
        text: r.textContent ?? '',
      })),
    );
  }

  it('keeps members out of the admin pages and API', async () => {
    const page = await signInAs('demo');
    const res = await page.goto('/admin');
    expect(res?.status()).toBe(404);
    const api = await page.request.get('/api/admin/status');
    expect(api.status()).toBe(403);
    expect(await page.locator('nav >> text=Admin').count()).toBe(0);
  });

  it(
    'retrains with visible progress, then switches the serving version back with one click',
    async () => {
      const page = await signInAs('admin');
      await page.goto('/admin');
      const before = await versionRows(page);
      expect(before[0]).toMatchObject({ version: 'v1', status: 'ACTIVE' });
      expect(before[0].text).toMatch(/0\.\d{4}/); // metrics shown
      await expect.poll(() => page.locator('[data-testid=metrics-chart] svg').count()).toBeGreaterThan(0);

      await page.click('[data-testid=retrain]');
      await expect.poll(async () => (await versionRows(page))[0]?.version, { timeout: 30_000 }).toBe('v2');
      // The table polls the job: v2 goes through QUEUED/TRAINING to a finished state without a reload.
      await expect
        .poll(async () => (await versionRows(page))[0]?.status, { timeout: JOB_TIMEOUT, interval: 2_000 })
        .toMatch(/ACTIVE|REJECTED/);
      // Same data and seed give nearly the same metrics, so v2 is normally activated; either way the other version is
      // one click away, which is the rollback being tested.
      const after = await versionRows(page);
      const target = after.find((r) => r.status !== 'ACTIVE' && (r.version === 'v1' || r.version === 'v2'))!;
      expect(after.filter((r) => r.status === 'ACTIVE')).toHaveLength(1);
      await page
        .locator('[data-testid=model-versions] tbody tr', { hasText: target.version })
        .getByRole('button', { name: /Roll back|Activate/ })
        .click();
      await expect
        .poll(async () => (await versionRows(page)).find((r) => r.version === target.version)?.status, {
          timeout: 30_000,
        })
        .toBe('ACTIVE');
      expect((await versionRows(page)).filter((r) => r.status === 'ACTIVE')).toHaveLength(1);
      // The feed now reports the rolled-back version (model cache re-checks the active pointer every 5 s).
      await expect
        .poll(
          async () => {
            await page.goto('/for-you');
            return page.textContent('main');
          },
          { timeout: 60_000, interval: 3_000 },
        )
        .toMatch(new RegExp(`model ${target.version}(?!\\d)`));
    },
    JOB_TIMEOUT + 120_000,
  );

  it(
    "reloads the server's catalogue through the dry run and its threshold, and reports the result",
    async () => {
      const page = await signInAs('admin');
      await page.goto('/admin');
      // The Models tab's button leads to the console: a reload always starts with a dry run.
      await page.getByTestId('reload-catalogue').click();
      await page.waitForURL('**/admin/catalogue');
      await page.getByLabel('Server folder').check();
      // An earlier dry run's panel may be showing: wait for this one's (a newer job id).
      const shownPreview = async () =>
        (await page.locator('[data-testid=preview]').count())
          ? Number(await page.locator('[data-testid=preview]').getAttribute('data-preview'))
          : 0;
      const before = await shownPreview();
      await page.click('[data-testid=dry-run]');
      await expect.poll(shownPreview, { timeout: JOB_TIMEOUT, interval: 1_000 }).toBeGreaterThan(before);
      // The same files as the first-start import: nothing new, nothing to update.
      expect(await page.textContent('[data-testid=count-added] b')).toBe('0');
      expect(await page.textContent('[data-testid=count-updated] b')).toBe('0');
      expect(await page.textContent('[data-testid=count-unchanged] b')).toBe('9,742');
      // A threshold below the files' reject share refuses to apply; the default accepts them.
      const share = Number(((await page.textContent('[data-testid=preview]')) ?? '').match(/([\d.]+) % of/)?.[1] ?? 0);
      if (share > 0) {
        await page.fill('#max-reject', String(share / 2));
        expect(await page.getByTestId('apply-reload').isDisabled()).toBe(true);
        expect(await page.textContent('#reject-help')).toMatch(/above/);
      }
      await page.fill('#max-reject', '1');
      // Likewise the last reload's panel: wait for this reload's (a newer job id) to succeed.
      const lastReload = async () =>
        (await page.locator('[data-testid=last-reload]').count())
          ? `${(await page.textContent('[data-testid=last-reload] h2', { timeout: 2_000 }))?.match(/#(\d+)/)?.[1]} ${await page.getAttribute('[data-testid=last-reload]', 'data-status', { timeout: 2_000 })}`
          : '0 none';
      const previous = Number((await lastReload()).split(' ')[0]);
      await page.getByTestId('apply-reload').click();
      await expect
        .poll(
          async () => {
            // The panel hides while the job runs: a read that races it counts as still waiting.
            const [id, status] = (await lastReload().catch(() => '0 none')).split(' ');
            return Number(id) > previous ? status : 'waiting';
          },
          { timeout: JOB_TIMEOUT, interval: 2_000 },
        )
        .toBe('SUCCEEDED');
      expect(await page.textContent('[data-testid=last-reload]')).toMatch(/0 movies added, 0 updated, 9,742 unchanged/);
      await page.goto('/admin');
      const row = page.locator('[data-testid=imports] tbody tr').first();
      expect(await row.getAttribute('data-status')).toBe('SUCCEEDED');
      expect(await row.textContent()).toMatch(/9742 movies, 100836 ratings/);
    },
    JOB_TIMEOUT + 60_000,
  );
});

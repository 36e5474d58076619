// The set-up every browser test file shares: one Reel server and one Chromium per describe block, pages in their own
// contexts (closed afterwards), sign-up and sign-in as a member does them, and screenshots for docs/screenshots/.
//
//   describe(`… (${mode} database)`, () => {
//     const { server, newPage, signUp, signIn, signInAs, shot, feedIds, cardIds } = useReel(mode, { height: 900 });
//     it('…', async () => { const page = await newPage(375); await signUp(page, 'rater'); … });
//   });
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
  type ViewportSize,
} from 'playwright-core';
import { startReel, type DatabaseMode, type ReelServer } from './reel-server';

export { E2E_MODES, type DatabaseMode } from './reel-server';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const SCREENSHOT_DIR = resolve('docs', 'screenshots');
/** Playwright's default wait for one step (a click, a selector). */
export const STEP_TIMEOUT = 30_000;
/** The first For You of a server run loads every rating into the model (slow on the embedded database). */
export const FEED_TIMEOUT = 150_000;
/** expect.poll gives up after 1 s by default; a save on a busy machine can take longer. */
export const POLL = { timeout: STEP_TIMEOUT, interval: 200 };
/** Below this width the nav's links, search and account controls fold behind Menu (app/ux.css). */
export const NAV_FOLD_WIDTH = 1024;
export const DESKTOP_WIDTH = 1280;

export interface Account {
  name: string;
  email: string;
  password: string;
}

export interface ReelOptions {
  /** Height of the viewport of newPage(width) (px); a full viewport passed to newPage wins. Default 860. */
  height?: number;
  /** Context options every newPage gets, from its viewport (colour scheme, touch on a phone); newPage's own win. */
  context?: (viewport: ViewportSize) => BrowserContextOptions;
  /** The label of signUp(page) without one: the email starts with it and the name is `E2E <label>`. */
  label?: string;
}

export interface ShotOptions {
  fullPage?: boolean;
  /** Take one picture per width (`<name>-<width>.png`), resizing this page, then restore its viewport. */
  widths?: number[];
  /** Wait for the network to go quiet first, so posters are in the picture (default true). */
  settle?: boolean;
}

export interface Reel {
  /** The server of this describe block; its fields can be read once beforeAll has run (a live view). */
  readonly server: ReelServer;
  /** The Chromium of this describe block (after beforeAll). */
  readonly browser: Browser;
  /** Whether shot() writes pictures: the embedded-database run with UPDATE_SCREENSHOTS=1. */
  readonly screenshots: boolean;
  /** A context on the server (closed after the block), e.g. a signed-out visitor's or one to replay cookies in. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** A page in a context of its own, `width` px wide (default 1280) or with the given viewport. */
  newPage(size?: number | ViewportSize, options?: BrowserContextOptions): Promise<Page>;
  /** Signs up through the form and waits for the onboarding page and the member's name in the nav. */
  signUp(page: Page, who?: string | Account): Promise<Account>;
  /**
   * Fills in and submits the sign-in form (with `callbackUrl` in the URL if given) and waits for the landing page:
   * For You without a callback, any page but sign-in with one. Not for a sign-in that is meant to fail.
   */
  signIn(page: Page, email: string, password: string, callbackUrl?: string): Promise<void>;
  /** A new page signed in as the demo member or the admin of the server. */
  signInAs(who: 'demo' | 'admin', size?: number | ViewportSize): Promise<Page>;
  /** With screenshots on, writes docs/screenshots/<name>.png; otherwise does nothing. */
  shot(page: Page, name: string, options?: ShotOptions): Promise<void>;
  feedIds: typeof feedIds;
  cardIds: typeof cardIds;
}

/** The movie ids of the cards in the list with this test id, in page order. */
export function cardIds(page: Page, list: string): Promise<number[]> {
  return page.$$eval(`[data-testid=${list}] [data-testid=movie-card]`, (cards) =>
    cards.map((c) => Number(c.getAttribute('data-movie-id'))),
  );
}

/** Opens For You and returns the ids of its first page of picks. */
export async function feedIds(page: Page): Promise<number[]> {
  await page.goto('/for-you', { timeout: FEED_TIMEOUT });
  await page.waitForSelector('[data-testid=for-you] [data-testid=movie-card]');
  return cardIds(page, 'for-you');
}

/**
 * Opens the Menu when the page is narrower than NAV_FOLD_WIDTH, so "Sign out" and the nav links can be clicked; a
 * no-op on wider pages or when the menu is open already. A click before hydration is lost, so it clicks again then.
 */
/**
 * Waits until the page's streamed Suspense boundaries (loading.tsx skeletons) are revealed. Right after the load event
 * React may still hold the page in a hidden container at the end of <body> (it reveals boundaries in batches), so for
 * a moment a selector can match the skeleton, the hidden copy, or both copies of an element.
 */
export async function streamed(page: Page): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('div[hidden][id^="S:"], template[id^="B:"]'), undefined, {
    timeout: STEP_TIMEOUT,
    polling: 50,
  });
}

const settling = new WeakSet<Page>();

/** Makes page.goto, page.reload and page.waitForURL return only once the page is streamed in (see `streamed`). */
function settleAfterLoads(page: Page): void {
  if (settling.has(page)) return;
  settling.add(page);
  const goto = page.goto.bind(page);
  const reload = page.reload.bind(page);
  page.goto = async (url, options) => {
    const response = await goto(url, options);
    await streamed(page);
    return response;
  };
  page.reload = async (options) => {
    const response = await reload(options);
    await streamed(page);
    return response;
  };
  const waitForURL = page.waitForURL.bind(page);
  page.waitForURL = async (url, options) => {
    await waitForURL(url, options);
    await streamed(page);
  };
}

export async function openNavIfFolded(page: Page): Promise<void> {
  if ((page.viewportSize()?.width ?? DESKTOP_WIDTH) >= NAV_FOLD_WIDTH) return;
  // first(): a streamed page can briefly hold a second, hidden copy at the end of <body>.
  const toggle = page.locator('[data-testid=nav-toggle]').first();
  const open = page.locator('[data-testid=nav-toggle][aria-expanded=true]').first();
  for (let attempt = 1; ; attempt++) {
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    try {
      await open.waitFor({ timeout: 3_000 });
      return;
    } catch (err) {
      if (attempt >= 5) throw err;
    }
  }
}

/**
 * Registers beforeAll/afterAll in the current describe block: the Reel server for `mode` (the one the e2e global
 * set-up started, else a new one) and a Chromium; afterwards every context, the browser and the server are closed.
 */
export function useReel(mode: DatabaseMode, options: ReelOptions = {}): Reel {
  const height = options.height ?? 860;
  const screenshots = mode === 'embedded' && process.env.UPDATE_SCREENSHOTS === '1';
  const contexts: BrowserContext[] = [];
  let started: ReelServer | undefined;
  let launched: Browser | undefined;

  beforeAll(async () => {
    started = await startReel(mode);
    launched = await chromium.launch({ executablePath: CHROMIUM });
    if (screenshots) mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await launched?.close();
    await started?.stop();
  });

  const live = (): ReelServer => {
    if (!started) throw new Error(`the ${mode} Reel server is not started yet (read it inside a test or hook)`);
    return started;
  };
  // Stable, so test files can destructure it at definition time and read server.baseUrl inside their tests.
  const server: ReelServer = {
    get baseUrl() {
      return live().baseUrl;
    },
    mode,
    get demoPassword() {
      return live().demoPassword;
    },
    get adminPassword() {
      return live().adminPassword;
    },
    output: () => live().output(),
    stop: () => live().stop(),
  };

  async function newContext(contextOptions: BrowserContextOptions = {}): Promise<BrowserContext> {
    if (!launched) throw new Error('the browser is not launched yet (open pages inside a test or hook)');
    const context = await launched.newContext({ baseURL: server.baseUrl, ...contextOptions });
    context.setDefaultTimeout(STEP_TIMEOUT);
    context.on('page', settleAfterLoads);
    contexts.push(context);
    return context;
  }

  async function newPage(
    size: number | ViewportSize = DESKTOP_WIDTH,
    contextOptions: BrowserContextOptions = {},
  ): Promise<Page> {
    const viewport = typeof size === 'number' ? { width: size, height } : size;
    const context = await newContext({ viewport, ...options.context?.(viewport), ...contextOptions });
    const page = await context.newPage();
    settleAfterLoads(page);
    return page;
  }

  async function signUp(page: Page, who: string | Account = options.label ?? 'member'): Promise<Account> {
    const account =
      typeof who === 'string'
        ? {
            name: `E2E ${who}`,
            email: `${who}-${randomBytes(4).toString('hex')}@e2e.reel.local`,
            password: `pw-${randomBytes(8).toString('hex')}`,
          }
        : who;
    await page.goto('/sign-up');
    await page.fill('#name', account.name);
    await page.fill('#email', account.email);
    await page.fill('#password', account.password);
    await page.click('button[type=submit]');
    // A new member lands on the onboarding page (genres, a dozen titles to rate); every step there is optional.
    await page.waitForURL('**/welcome', { timeout: FEED_TIMEOUT });
    // The nav names the member (also when folded behind Menu). Not expect.poll: this also runs in beforeAll.
    await page.waitForFunction(
      (name) => document.querySelector('[data-testid=nav-user]')?.textContent === name,
      account.name,
      { timeout: POLL.timeout, polling: POLL.interval },
    );
    return account;
  }

  async function signIn(page: Page, email: string, password: string, callbackUrl?: string): Promise<void> {
    await page.goto(callbackUrl === undefined ? '/sign-in' : `/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}`);
    await page.fill('#email', email);
    await page.fill('#password', password);
    await page.click('button[type=submit]');
    // Without a callback a member lands on For You; with one, wherever the site decides is safe.
    await page.waitForURL(callbackUrl === undefined ? '**/for-you' : (u) => !u.pathname.startsWith('/sign-in'), {
      timeout: FEED_TIMEOUT,
    });
  }

  async function signInAs(who: 'demo' | 'admin', size?: number | ViewportSize): Promise<Page> {
    const page = await newPage(size);
    const password = who === 'demo' ? server.demoPassword : server.adminPassword;
    await signIn(page, `${who}@reel.local`, password);
    return page;
  }

  async function shot(page: Page, name: string, shotOptions: ShotOptions = {}): Promise<void> {
    if (!screenshots) return;
    const { fullPage = false, widths, settle = true } = shotOptions;
    if (settle) await page.waitForLoadState('networkidle');
    if (!widths) {
      await page.screenshot({ path: resolve(SCREENSHOT_DIR, `${name}.png`), fullPage });
      return;
    }
    const viewport = page.viewportSize() ?? { width: DESKTOP_WIDTH, height };
    for (const width of widths) {
      await page.setViewportSize({ width, height: viewport.height });
      await page.screenshot({ path: resolve(SCREENSHOT_DIR, `${name}-${width}.png`), fullPage });
    }
    await page.setViewportSize(viewport);
  }

  return {
    server,
    get browser() {
      if (!launched) throw new Error('the browser is not launched yet (read it inside a test or hook)');
      return launched;
    },
    screenshots,
    newContext,
    newPage,
    signUp,
    signIn,
    signInAs,
    shot,
    feedIds,
    cardIds,
  };
}

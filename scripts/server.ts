// The production HTTP server (`npm start` runs it after the build): Next.js's own request handler for every page
// and route, with one fast path in front of it. GET /api/for-you — the infinite scroll's JSON, the app's hottest
// request — is answered by the same function the Next route handler calls (lib/server/api/for-you.ts) without
// Next's per-request routing, rendering context and Web-stream conversion, which cost ≈ 0.8 ms of CPU even for an
// empty route on a two-core machine (docs/BENCHMARKS.md). Everything else, including the route itself under
// `next dev`, goes through Next unchanged. This file's imports and Next's bundle are two copies of the app's
// modules in one process; the active model and the feed cache live on globalThis, so both share one of each.
//
//   tsx --conditions=react-server scripts/server.ts   (PORT, HOSTNAME; DATABASE_URL etc. as for the app)
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parse as parseCookies } from 'cookie';
import next from 'next';
import { forYouApi } from '../lib/server/api/for-you';

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOSTNAME || undefined;
const app = next({ dev: false, port, hostname });
const handle = app.getRequestHandler();
await app.prepare();

const FEED_PATH = '/api/for-you';

/** The fast path's requests: exactly GET (or HEAD) /api/for-you with any query string. */
function isFeedRequest(req: IncomingMessage): boolean {
  const url = req.url ?? '';
  return (req.method === 'GET' || req.method === 'HEAD') && url.startsWith(FEED_PATH) && (url.length === FEED_PATH.length || url[FEED_PATH.length] === '?');
}

async function serveFeed(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url!;
  const q = url.indexOf('?');
  const search = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  const cookies = parseCookies(req.headers.cookie ?? '') as Record<string, string>;
  const out = await forYouApi({ cookies, headers: req.headers }, search);
  res.writeHead(out.status, { ...out.headers, 'content-length': out.body.byteLength });
  res.end(req.method === 'HEAD' ? undefined : out.body);
}

const server = createServer((req, res) => {
  if (!isFeedRequest(req)) {
    void handle(req, res);
    return;
  }
  serveFeed(req, res).catch((err: unknown) => {
    console.error('[reel] GET /api/for-you failed:', err);
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'Something went wrong; please try again.' }));
  });
});
server.listen(port, hostname, () => console.log(`[reel] server listening on http://${hostname ?? 'localhost'}:${port}`));

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

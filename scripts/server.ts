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
import type { TLSSocket } from 'node:tls';
import { parse as parseCookies } from 'cookie';
import next from 'next';
import { env } from '../lib/env';
import { API_CONTENT_SECURITY_POLICY, baseSecurityHeaders, isHttpsRequest } from '../lib/security-headers';
import { forYouApi } from '../lib/server/api/for-you';
import { isBusyError } from '../lib/server/errors';
import { warmCatalogueIndex } from '../lib/server/services/history-import';

const port = env.PORT;
// HOSTNAME is the bind address (not part of the app's configuration schema: shells set it to the machine's name).
const hostname = process.env.HOSTNAME || undefined;
const trustProxy = env.TRUST_PROXY === '1';
const app = next({ dev: false, port, hostname });
const handle = app.getRequestHandler();
await app.prepare();

const FEED_PATH = '/api/for-you';

/** The fast path's requests: exactly GET (or HEAD) /api/for-you with any query string. */
function isFeedRequest(req: IncomingMessage): boolean {
  const url = req.url ?? '';
  return (
    (req.method === 'GET' || req.method === 'HEAD') &&
    url.startsWith(FEED_PATH) &&
    (url.length === FEED_PATH.length || url[FEED_PATH.length] === '?')
  );
}

/**
 * Client-supplied forwarding headers are replaced by what the socket says unless a trusted proxy is configured, so a
 * client cannot choose its own throttling key (X-Forwarded-For) or claim HTTPS. Then the base security headers go on
 * the response before anything else writes it (Next keeps them; proxy.ts adds the page CSP).
 */
function prepare(req: IncomingMessage, res: ServerResponse): void {
  if (!trustProxy) {
    delete req.headers['x-real-ip'];
    req.headers['x-forwarded-for'] = req.socket.remoteAddress ?? 'unknown';
    req.headers['x-forwarded-proto'] = (req.socket as TLSSocket).encrypted ? 'https' : 'http';
  }
  const https = isHttpsRequest(req.headers['x-forwarded-proto'] as string | undefined);
  for (const [k, v] of Object.entries(baseSecurityHeaders({ https }))) res.setHeader(k, v);
}

async function serveFeed(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url!;
  const q = url.indexOf('?');
  const search = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  const cookies = parseCookies(req.headers.cookie ?? '') as Record<string, string>;
  const out = await forYouApi({ cookies, headers: req.headers }, search);
  res.writeHead(out.status, {
    ...out.headers,
    'content-security-policy': API_CONTENT_SECURITY_POLICY,
    'content-length': out.body.byteLength,
  });
  res.end(req.method === 'HEAD' ? undefined : out.body);
}

const server = createServer((req, res) => {
  prepare(req, res);
  if (!isFeedRequest(req)) {
    void handle(req, res);
    return;
  }
  serveFeed(req, res).catch((err: unknown) => {
    // A busy or unreachable database is a 503 the client may retry; anything else is logged and a 500 with no details.
    const busy = isBusyError(err);
    console.error(
      `[reel] GET /api/for-you failed${busy ? ' (database busy or unreachable)' : ''}:`,
      busy ? String(err) : err,
    );
    if (!res.headersSent) {
      res.writeHead(busy ? 503 : 500, {
        'content-type': 'application/json',
        'cache-control': 'no-store',
        'content-security-policy': API_CONTENT_SECURITY_POLICY,
        ...(busy ? { 'retry-after': '1' } : {}),
      });
    }
    res.end(JSON.stringify({ error: busy ? 'Reel is busy — try again.' : 'Something went wrong; please try again.' }));
  });
});
server.listen(port, hostname, () =>
  console.log(`[reel] server listening on http://${hostname ?? 'localhost'}:${port}`),
);
// The history import's matcher index (the whole catalogue, ≈ 1–3 s of CPU) is built once the server is up, so a
// member's first 10,000-row preview after a start takes its usual time (docs/IMPORT.md). It lives on globalThis,
// shared with Next's copy of the module.
setTimeout(() => void warmCatalogueIndex(), 3_000).unref();

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

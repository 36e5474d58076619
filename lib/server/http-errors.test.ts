import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError, ConflictError, ForbiddenError, NotFoundError, UnauthorizedError } from './errors';
import {
  HTTP_STATUS,
  INTERNAL_ERROR_MESSAGE,
  errorResponse,
  httpError,
  toHttpError,
  withHttpErrors,
} from './http-errors';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('HTTP error mapping', () => {
  it('gives every expected failure code its status', () => {
    expect(HTTP_STATUS).toEqual({
      INVALID: 400,
      UNAUTHORIZED: 401,
      FORBIDDEN: 403,
      NOT_FOUND: 404,
      CONFLICT: 409,
      RATE_LIMITED: 429,
      BUSY: 503,
      INTERNAL: 500,
    });
  });

  it.each([
    [new AppError('INVALID', 'Pick a rating between 0.5 and 5 stars.'), 400, 'INVALID'],
    [new UnauthorizedError(), 401, 'UNAUTHORIZED'],
    [new ForbiddenError('Only admins can do that.'), 403, 'FORBIDDEN'],
    [new NotFoundError('That movie is not in the catalogue.'), 404, 'NOT_FOUND'],
    [new ConflictError('An account with that email already exists.'), 409, 'CONFLICT'],
  ])('maps %o to %i with its own message', (err, status, code) => {
    expect(toHttpError(err, 'GET /test')).toEqual({ status, body: { error: err.message, code } });
  });

  it('turns anything unexpected into a logged 500 with a generic message and no stack', () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const bug = new TypeError("Cannot read properties of undefined (reading 'secret')");
    const e = toHttpError(bug, 'GET /api/admin/status');
    expect(e).toEqual({ status: 500, body: { error: INTERNAL_ERROR_MESSAGE, code: 'INTERNAL' } });
    expect(JSON.stringify(e.body)).not.toMatch(/secret|TypeError|at .*\.ts/);
    // The cause is not lost: it goes to the server log, with where it happened.
    expect(log).toHaveBeenCalledWith('[http] GET /api/admin/status failed:', bug);
  });

  it('answers a transaction timeout or a dropped connection as a retryable 503, not a 500', () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const timeout = Object.assign(new Error('Transaction already closed: timeout'), { code: 'P2028' });
    const dropped = new Error('query failed', {
      cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
    });
    for (const err of [timeout, dropped]) {
      const e = toHttpError(err, 'GET /api/for-you');
      expect(e.status).toBe(503);
      expect(e.body.code).toBe('BUSY');
      expect(e.body.error).not.toMatch(/P2028|ECONNRESET/);
    }
    expect(log).not.toHaveBeenCalled();
  });

  it('builds an uncached JSON response', async () => {
    const res = errorResponse(httpError('RATE_LIMITED', 'Too many tries: wait a minute.'));
    expect(res.status).toBe(429);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ error: 'Too many tries: wait a minute.', code: 'RATE_LIMITED' });
  });
});

describe('withHttpErrors (route handlers)', () => {
  const req = new Request('http://reel.test/api/example?x=1');

  it('passes a successful response through untouched', async () => {
    const handler = withHttpErrors(async (_req: Request, ctx: { params: Promise<{ id: string }> }) =>
      Response.json({ id: (await ctx.params).id }),
    );
    const res = await handler(req, { params: Promise.resolve({ id: '7' }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: '7' });
  });

  it('answers a thrown AppError with its mapped status and message', async () => {
    const res = await withHttpErrors(async () => {
      throw new ForbiddenError('Only admins can do that.');
    })(req, undefined);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: 'Only admins can do that.', code: 'FORBIDDEN' });
  });

  it('answers a bug with a generic 500 and logs it with the method and path', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = await withHttpErrors(async () => {
      throw new Error('connection string postgres://user:pw@db/reel refused');
    })(req, undefined);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('postgres://');
    expect(JSON.parse(text)).toEqual({ error: INTERNAL_ERROR_MESSAGE, code: 'INTERNAL' });
    expect(log.mock.calls[0][0]).toBe('[http] GET /api/example failed:');
  });
});

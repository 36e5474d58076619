import { describe, expect, it, vi } from 'vitest';
import { AppError, BusyError, isBusyError } from './errors';

vi.mock('server-only', () => ({}));

describe('isBusyError', () => {
  it.each([
    ['a transaction timeout (P2028)', { code: 'P2028', message: 'Transaction API error: Transaction already closed' }],
    ['a write conflict (P2034)', { code: 'P2034' }],
    ['a closed connection (P1017)', { code: 'P1017' }],
    [
      'a raw query on a closed connection (P2010 + adapter ConnectionClosed)',
      {
        code: 'P2010',
        message: 'Raw query failed. Code: `N/A`. Message: `Server has closed the connection.`',
        meta: { driverAdapterError: { cause: { kind: 'ConnectionClosed' } } },
      },
    ],
    [
      'an unreachable server (adapter DatabaseNotReachable)',
      { code: 'P2010', message: 'x', meta: { driverAdapterError: { cause: { kind: 'DatabaseNotReachable' } } } },
    ],
    ['a serialization failure (40001) as the cause', new Error('wrapped', { cause: { code: '40001' } })],
    ['an administrator shutdown (57P01)', { code: '57P01' }],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['pg-pool losing its connection', new Error('Connection terminated unexpectedly')],
    ['a BusyError', new BusyError()],
  ])('recognises %s', (_label, err) => {
    expect(isBusyError(err)).toBe(true);
  });

  it.each([
    ['a unique violation', { code: 'P2002' }],
    ['a missing record', { code: 'P2025' }],
    ['a bug', new TypeError('x is undefined')],
    ['an expected failure', new AppError('NOT_FOUND', 'gone')],
    ['nothing', undefined],
  ])('does not treat %s as busy', (_label, err) => {
    expect(isBusyError(err)).toBe(false);
  });
});

import 'server-only';

export type { ActionResult } from '@/lib/validation/action-result';

/** An expected failure with a message that is safe to show to the user. */
export class AppError extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'CONFLICT' | 'UNAUTHORIZED' | 'FORBIDDEN' | 'INVALID' | 'BUSY' | 'RATE_LIMITED',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }
}
export class NotFoundError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NOT_FOUND', message, options);
    this.name = 'NotFoundError';
  }
}
export class ConflictError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFLICT', message, options);
    this.name = 'ConflictError';
  }
}
export class UnauthorizedError extends AppError {
  constructor(message = 'Please sign in first.', options?: { cause?: unknown }) {
    super('UNAUTHORIZED', message, options);
    this.name = 'UnauthorizedError';
  }
}
export class ForbiddenError extends AppError {
  constructor(message = 'You do not have access to that.', options?: { cause?: unknown }) {
    super('FORBIDDEN', message, options);
    this.name = 'ForbiddenError';
  }
}

/** The one mapping point from thrown errors to action results: AppErrors become values, the rest is rethrown. */
export function toActionError(err: unknown): { ok: false; error: string; code?: 'BUSY'; retryable?: boolean } {
  if (err instanceof AppError) return { ok: false, error: err.message };
  if (isBusyError(err)) return { ok: false, code: 'BUSY', retryable: true, error: 'Reel is busy — try again.' };
  throw err;
}

/** Prisma known-request error codes, read structurally so this module does not import the client. */
export function prismaCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    const code = (err as { code: string }).code;
    return /^P\d{4}$/.test(code) ? code : undefined;
  }
  return undefined;
}

/** The database is busy or briefly unreachable: the member may simply try again. */
export class BusyError extends AppError {
  constructor(message = 'Reel is busy — try again.', options?: { cause?: unknown }) {
    super('BUSY', message, options);
    this.name = 'BusyError';
  }
}

// Prisma: P2028 transaction API error (e.g. "Transaction already closed" after its timeout), P2034 write conflict or
// deadlock, P2024 connection-pool timeout, P1001 / P1002 / P1008 / P1017 server unreachable, timed out or closed.
const BUSY_PRISMA_CODES = new Set(['P2028', 'P2034', 'P2024', 'P1001', 'P1002', 'P1008', 'P1017']);
// Driver-adapter error kinds for the same situations.
const BUSY_ADAPTER_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'TransactionWriteConflict',
  'TooManyConnections',
  'SocketTimeout',
  'TransactionAlreadyClosed',
]);
// PostgreSQL SQLSTATEs: serialization failure, deadlock, lock not available, too many connections, cancelled by
// statement timeout, server shutting down / starting up, connection failures.
const BUSY_SQLSTATES = /^(40001|40P01|55P03|53300|57014|57P0[1-3]|08\d{3})$/;
const BUSY_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTCONN']);
const BUSY_MESSAGES =
  /Connection terminated|Server has closed the connection|Can't reach database server|timeout exceeded when trying to connect|Client has encountered a connection error|Connection refused|server closed the connection|terminating connection due to administrator command|the database system is (starting up|shutting down)|Transaction already closed|Unable to start a transaction in the given time/i;

/**
 * True for failures that mean "the database is busy or briefly away" rather than a bug: transaction timeouts,
 * write conflicts, dropped or refused connections (issue 19: a catalogue reload's long transaction gave members
 * P2028 as a 500). Read structurally through the `cause` chain, so it needs no Prisma import.
 */
export function isBusyError(err: unknown): boolean {
  // Walk the cause chain and Prisma's wrapped driver-adapter error (meta.driverAdapterError, whose cause has `kind`).
  const queue: unknown[] = [err];
  for (let seen = 0; queue.length > 0 && seen < 12; seen++) {
    const e = queue.shift();
    if (!e || typeof e !== 'object') continue;
    if (e instanceof BusyError) return true;
    const o = e as {
      code?: unknown;
      kind?: unknown;
      message?: unknown;
      cause?: unknown;
      originalCode?: unknown;
      meta?: { driverAdapterError?: unknown };
    };
    if (
      typeof o.code === 'string' &&
      (BUSY_PRISMA_CODES.has(o.code) || BUSY_NODE_CODES.has(o.code) || BUSY_SQLSTATES.test(o.code))
    )
      return true;
    if (typeof o.originalCode === 'string' && BUSY_SQLSTATES.test(o.originalCode)) return true;
    if (typeof o.kind === 'string' && BUSY_ADAPTER_KINDS.has(o.kind)) return true;
    if (typeof o.message === 'string' && BUSY_MESSAGES.test(o.message)) return true;
    queue.push(o.cause, o.meta?.driverAdapterError);
  }
  return false;
}

import 'server-only';

export type { ActionResult } from '@/lib/validation/action-result';

/** An expected failure with a message that is safe to show to the user. */
export class AppError extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'CONFLICT' | 'UNAUTHORIZED' | 'FORBIDDEN' | 'INVALID',
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
export function toActionError(err: unknown): { ok: false; error: string } {
  if (err instanceof AppError) return { ok: false, error: err.message };
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

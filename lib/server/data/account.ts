import 'server-only';
import { hash, verify } from '@node-rs/argon2';
import { db } from '../db';
import { AppError, ConflictError, NotFoundError, prismaCode } from '../errors';
import { passwordPolicyProblem } from '../passwords/policy';
import { dropCachedFeeds } from '../services/feed-cache';
import type { AccountProfile } from '@/lib/validation/account';

export async function getAccountProfile(userId: number): Promise<AccountProfile> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { name: true, email: true } });
  if (!user) throw new NotFoundError('That account no longer exists.');
  return user;
}

export async function updateProfile(userId: number, input: { name: string; email: string }): Promise<AccountProfile> {
  try {
    return await db.user.update({ where: { id: userId }, data: { name: input.name, email: input.email }, select: { name: true, email: true } });
  } catch (err) {
    if (prismaCode(err) === 'P2002') throw new ConflictError('Another account already uses that email.', { cause: err });
    if (prismaCode(err) === 'P2025') throw new NotFoundError('That account no longer exists.', { cause: err });
    throw err;
  }
}

/**
 * Replaces the password after checking the current one, under the sign-up password policy (length is checked by the
 * zod schema; common passwords and the member's own email here). The same update bumps the session version, so
 * every session minted before (other devices, a stolen cookie, this one too) ends at once; the settings form signs
 * this browser in again with the new password. Returns the new session version.
 */
export async function changePassword(userId: number, current: string, next: string): Promise<number> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { passwordHash: true, kind: true, email: true } });
  if (!user || user.kind !== 'MEMBER') throw new NotFoundError('That account no longer exists.');
  if (!user.passwordHash || !(await verify(user.passwordHash, current))) {
    throw new AppError('INVALID', 'Your current password is not right.');
  }
  const problem = passwordPolicyProblem(next, user.email ?? undefined);
  if (problem) throw new AppError('INVALID', problem);
  if (next === current) throw new AppError('INVALID', 'Pick a new password that differs from your current one.');
  const row = await db.user.update({
    where: { id: userId },
    data: { passwordHash: await hash(next), sessionVersion: { increment: 1 } },
    select: { sessionVersion: true },
  });
  return row.sessionVersion;
}

/** Checks the typed confirmation before deleting: the member's own email, case and spaces aside. */
export async function deleteOwnAccount(userId: number, confirmEmail: string): Promise<void> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { email: true } });
  if (!user) throw new NotFoundError('That account no longer exists.');
  if ((user.email ?? '').trim().toLowerCase() !== confirmEmail.trim().toLowerCase()) {
    throw new AppError('INVALID', 'Type the email address of this account exactly to confirm.');
  }
  await deleteMemberAccount(userId);
}

/**
 * Removes a member and every personal row (ratings, watchlist, "not interested", rate-more skips, tags, lists, import previews,
 * auth accounts and sessions; diary entries and likes cascade with the user row) in one transaction, then drops their cached For You pages.
 * Sessions stop at once: every request re-reads the user (getCurrentUser / getRequestUser), which is now gone.
 * The next model recompute reads the Rating table, so it no longer contains them. Used by account settings and by
 * the admin users page.
 */
export async function deleteMemberAccount(userId: number): Promise<void> {
  await db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { kind: true } });
    if (!user) throw new NotFoundError('That account no longer exists.');
    // Imported MovieLens raters are training data, not accounts: neither a member nor an admin deletes them here.
    if (user.kind !== 'MEMBER') throw new NotFoundError('There is no such member account.');
    await tx.rating.deleteMany({ where: { userId } });
    await tx.watchlistItem.deleteMany({ where: { userId } });
    await tx.dismissal.deleteMany({ where: { userId } });
    await tx.rateSkip.deleteMany({ where: { userId } });
    await tx.tag.deleteMany({ where: { userId } });
    await tx.movieList.deleteMany({ where: { userId } });
    await tx.memberImport.deleteMany({ where: { userId } });
    await tx.session.deleteMany({ where: { userId } });
    // Accounts, watches, likes and anything added later with onDelete: Cascade go with the user row, in this same
    // transaction.
    await tx.user.delete({ where: { id: userId }, select: { id: true } });
  });
  dropCachedFeeds(userId);
}

import 'server-only';
import type { AdminUserRow } from '@/lib/validation/admin-users';
import { db } from '../db';
import { AppError, NotFoundError } from '../errors';

/** Members (not imported MovieLens raters), newest first, filtered by name or email; with their activity. */
export async function listMembersForAdmin(q: string, limit = 100): Promise<AdminUserRow[]> {
  const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await db.$queryRaw<
    { id: number; name: string | null; email: string | null; role: 'USER' | 'ADMIN'; createdAt: Date; disabledAt: Date | null; ratings: number; lastActive: Date | null }[]
  >`
    SELECT u.id, u.name, u.email, u.role::text AS role, u."createdAt", u."disabledAt",
      (SELECT count(*)::int FROM "Rating" r WHERE r."userId" = u.id) AS ratings,
      GREATEST(
        (SELECT max(r."updatedAt") FROM "Rating" r WHERE r."userId" = u.id),
        (SELECT max(w."createdAt") FROM "WatchlistItem" w WHERE w."userId" = u.id),
        (SELECT max(d."createdAt") FROM "Dismissal" d WHERE d."userId" = u.id)) AS "lastActive"
    FROM "User" u
    WHERE u.kind = 'MEMBER' AND (${q} = '' OR u.email ILIKE ${like} OR u.name ILIKE ${like})
    ORDER BY u.id DESC
    LIMIT ${limit}`;
  return rows.map((r) => ({
    ...r,
    createdAt: r.createdAt.toISOString(),
    disabledAt: r.disabledAt?.toISOString() ?? null,
    lastActive: r.lastActive?.toISOString() ?? null,
  }));
}

/**
 * Changes a member's role. Demoting (or, with `disable`, locking out) the last admin who can sign in is refused,
 * checked under a lock on the admin rows so two admins demoting each other at once cannot both succeed.
 */
async function changeAdminSafely(userId: number, change: { role?: 'USER' | 'ADMIN'; disabledAt?: Date | null }): Promise<void> {
  await db.$transaction(async (tx) => {
    const admins = await tx.$queryRaw<{ id: number; disabledAt: Date | null }[]>`
      SELECT id, "disabledAt" FROM "User" WHERE role = 'ADMIN' AND kind = 'MEMBER' ORDER BY id FOR UPDATE`;
    const target = await tx.user.findUnique({ where: { id: userId }, select: { kind: true, role: true, disabledAt: true } });
    if (!target || target.kind !== 'MEMBER') throw new NotFoundError('There is no such member account.');
    const activeAdmins = admins.filter((a) => a.disabledAt === null).map((a) => a.id);
    const losesAdmin = target.role === 'ADMIN' && target.disabledAt === null && (change.role === 'USER' || change.disabledAt != null);
    if (losesAdmin && activeAdmins.length <= 1) {
      throw new AppError('CONFLICT', 'This is the last admin who can sign in: make someone else an admin first.');
    }
    await tx.user.update({ where: { id: userId }, data: change, select: { id: true } });
    // A disabled member's sessions end now, not when they expire.
    if (change.disabledAt) await tx.session.deleteMany({ where: { userId } });
  });
}

export function setMemberRole(userId: number, role: 'USER' | 'ADMIN'): Promise<void> {
  return changeAdminSafely(userId, { role });
}

export function setMemberDisabled(userId: number, disabled: boolean): Promise<void> {
  return changeAdminSafely(userId, { disabledAt: disabled ? new Date() : null });
}

/** True when `userId` is the only admin who can sign in (it may not be deleted). */
export async function isLastActiveAdmin(userId: number): Promise<boolean> {
  const admins = await db.user.findMany({ where: { role: 'ADMIN', kind: 'MEMBER', disabledAt: null }, select: { id: true }, take: 2 });
  return admins.length === 1 && admins[0].id === userId;
}

import 'server-only';
import { db } from '../db';
import { NotFoundError } from '../errors';

/**
 * Deletes a member's account and everything that is theirs (ratings, watchlist, "not interested", tags, sessions,
 * linked accounts) in one transaction. Imported MovieLens raters are not accounts and are refused.
 * Minimal version written for the admin console (#24); the member's own deletion shares it.
 */
export async function deleteMemberAccount(userId: number): Promise<void> {
  await db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { kind: true } });
    if (!user || user.kind !== 'MEMBER') throw new NotFoundError('There is no such member account.');
    await tx.rating.deleteMany({ where: { userId } });
    await tx.watchlistItem.deleteMany({ where: { userId } });
    await tx.dismissal.deleteMany({ where: { userId } });
    await tx.tag.deleteMany({ where: { userId } });
    await tx.session.deleteMany({ where: { userId } });
    await tx.account.deleteMany({ where: { userId } });
    await tx.user.delete({ where: { id: userId }, select: { id: true } });
  });
}

import { describe, expect, it } from 'vitest';
import { deleteMemberAccount } from '../../lib/server/data/account';
import {
  isLastActiveAdmin,
  listMembersForAdmin,
  setMemberDisabled,
  setMemberRole,
} from '../../lib/server/data/admin-users';
import { upsertRating } from '../../lib/server/data/ratings';
import { createMember, getSessionUser, verifyCredentials } from '../../lib/server/data/users';
import { addToWatchlist } from '../../lib/server/data/watchlist';
import { createMovies, sql, uniqueEmail } from './helpers';

const PASSWORD = 'a-long-enough-password';

/** Makes every other admin a member, so the test controls who the admins are. */
async function onlyAdmins(ids: number[]) {
  await sql(`UPDATE "User" SET role = 'USER' WHERE role = 'ADMIN' AND NOT (id = ANY($1::int[]))`, [ids]);
}

describe('admin users', () => {
  it('lists members with their ratings count and last activity, searchable by email', async () => {
    const email = uniqueEmail('listed');
    const m = await createMember({ name: 'Listed Person', email, password: PASSWORD });
    const [movie] = await createMovies(['Listed movie']);
    await upsertRating(m.id, movie, 4);
    await addToWatchlist(m.id, movie);
    const [row] = await listMembersForAdmin(email);
    expect(row).toMatchObject({ id: m.id, email, role: 'USER', ratings: 1, disabledAt: null });
    expect(Date.parse(row.lastActive!)).toBeGreaterThan(Date.now() - 60_000);
    expect(await listMembersForAdmin('no-such-member-anywhere')).toEqual([]);
  });

  it('never demotes, disables or lets the app delete the last admin who can sign in', async () => {
    const a = await createMember({ name: 'Admin A', email: uniqueEmail('admin-a'), password: PASSWORD, role: 'ADMIN' });
    await onlyAdmins([a.id]);
    await expect(setMemberRole(a.id, 'USER')).rejects.toThrow(/last admin/);
    await expect(setMemberDisabled(a.id, true)).rejects.toThrow(/last admin/);
    expect(await isLastActiveAdmin(a.id)).toBe(true);
    const b = await createMember({ name: 'Admin B', email: uniqueEmail('admin-b'), password: PASSWORD });
    await setMemberRole(b.id, 'ADMIN');
    await setMemberRole(a.id, 'USER');
    expect((await getSessionUser(a.id))?.role).toBe('USER');
    await expect(setMemberRole(b.id, 'USER')).rejects.toThrow(/last admin/);
  });

  it('a disabled member cannot sign in and their session stops working at once; re-enabling restores both', async () => {
    const email = uniqueEmail('disabled');
    const m = await createMember({ name: 'Soon Disabled', email, password: PASSWORD });
    expect(await verifyCredentials(email, PASSWORD)).not.toBeNull();
    await setMemberDisabled(m.id, true);
    expect(await verifyCredentials(email, PASSWORD)).toBeNull();
    expect(await getSessionUser(m.id)).toBeNull();
    await setMemberDisabled(m.id, false);
    expect(await verifyCredentials(email, PASSWORD)).not.toBeNull();
    expect(await getSessionUser(m.id)).not.toBeNull();
  });

  it('deletes a member with their ratings and watchlist, and refuses imported raters', async () => {
    const m = await createMember({ name: 'Leaving', email: uniqueEmail('leaving'), password: PASSWORD });
    const [movie] = await createMovies(['Left behind']);
    await upsertRating(m.id, movie, 3);
    await addToWatchlist(m.id, movie);
    await deleteMemberAccount(m.id);
    expect(await sql(`SELECT 1 FROM "User" WHERE id = $1`, [m.id])).toHaveLength(0);
    expect(await sql(`SELECT 1 FROM "Rating" WHERE "userId" = $1`, [m.id])).toHaveLength(0);
    expect(await sql(`SELECT 1 FROM "Movie" WHERE id = $1`, [movie])).toHaveLength(1);
    const [{ id: imported }] = await sql<{ id: number }>(
      `INSERT INTO "User" (kind, "movielensId", "updatedAt") VALUES ('IMPORTED', $1, now()) RETURNING id`,
      [800_000 + Math.floor(Math.random() * 100_000)],
    );
    await expect(deleteMemberAccount(imported)).rejects.toThrow(/no such member/);
  });
});

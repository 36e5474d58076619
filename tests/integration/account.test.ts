import { afterAll, describe, expect, it } from 'vitest';
import { db } from '../../lib/server/db';
import { changePassword, deleteOwnAccount, getAccountProfile, updateProfile } from '../../lib/server/data/account';
import { createMember, getSessionUser, verifyCredentials } from '../../lib/server/data/users';
import { uniqueEmail } from './helpers';

afterAll(async () => {
  await db.$disconnect();
});

describe('account settings', () => {
  it('changes name and email, refusing an email another account uses', async () => {
    const a = await createMember({ name: 'A', email: uniqueEmail('a'), password: 'password-aaaa' });
    const b = await createMember({ name: 'B', email: uniqueEmail('b'), password: 'password-bbbb' });
    const email = uniqueEmail('new');
    expect(await updateProfile(a.id, { name: 'A renamed', email })).toEqual({ name: 'A renamed', email });
    expect(await getAccountProfile(a.id)).toEqual({ name: 'A renamed', email });
    await expect(updateProfile(b.id, { name: 'B', email })).rejects.toMatchObject({ code: 'CONFLICT', message: 'Another account already uses that email.' });
    expect((await getAccountProfile(b.id)).email).toBe(b.email);
  });

  it('changes the password only with the current one; the old one stops working', async () => {
    const email = uniqueEmail('pw');
    const m = await createMember({ name: 'P', email, password: 'old-password-1' });
    await expect(changePassword(m.id, 'wrong-password', 'new-password-22')).rejects.toMatchObject({ code: 'INVALID', message: 'Your current password is not right.' });
    expect(await verifyCredentials(email, 'old-password-1')).not.toBeNull();
    await changePassword(m.id, 'old-password-1', 'new-password-22');
    expect(await verifyCredentials(email, 'old-password-1')).toBeNull();
    expect(await verifyCredentials(email, 'new-password-22')).toMatchObject({ id: m.id });
  });

  it('deletes the account only when the typed email matches (case and spaces aside)', async () => {
    const email = uniqueEmail('del');
    const m = await createMember({ name: 'D', email, password: 'password-dddd' });
    await expect(deleteOwnAccount(m.id, 'someone-else@it.reel.local')).rejects.toMatchObject({ code: 'INVALID' });
    expect(await getSessionUser(m.id)).not.toBeNull();
    await deleteOwnAccount(m.id, `  ${email.toUpperCase()} `);
    expect(await getSessionUser(m.id)).toBeNull();
    expect(await verifyCredentials(email, 'password-dddd')).toBeNull();
  });
});

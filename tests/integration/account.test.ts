import { afterAll, describe, expect, it } from 'vitest';
import { db } from '../../lib/server/db';
import { changePassword, deleteOwnAccount, getAccountProfile, updateProfile } from '../../lib/server/data/account';
import { createMember, getSessionUser, getSessionUserForToken, verifyCredentials } from '../../lib/server/data/users';
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
    await expect(updateProfile(b.id, { name: 'B', email })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'Another account already uses that email.',
    });
    expect((await getAccountProfile(b.id)).email).toBe(b.email);
  });

  it('changes the password only with the current one; the old one stops working', async () => {
    const email = uniqueEmail('pw');
    const m = await createMember({ name: 'P', email, password: 'old-password-1' });
    await expect(changePassword(m.id, 'wrong-password', 'new-password-22')).rejects.toMatchObject({
      code: 'INVALID',
      message: 'Your current password is not right.',
    });
    expect(await verifyCredentials(email, 'old-password-1')).not.toBeNull();
    await changePassword(m.id, 'old-password-1', 'new-password-22');
    expect(await verifyCredentials(email, 'old-password-1')).toBeNull();
    expect(await verifyCredentials(email, 'new-password-22')).toMatchObject({ id: m.id });
  });

  it('applies the password policy to a new password and keeps the old one when it is refused', async () => {
    const email = uniqueEmail('policy');
    const m = await createMember({ name: 'Q', email, password: 'old-password-1' });
    // On the shipped common-passwords list (and 10+ characters, so only the list refuses it).
    await expect(changePassword(m.id, 'old-password-1', 'password123')).rejects.toMatchObject({
      code: 'INVALID',
      message: expect.stringMatching(/common passwords/),
    });
    await expect(changePassword(m.id, 'old-password-1', email.toUpperCase())).rejects.toMatchObject({
      code: 'INVALID',
      message: expect.stringMatching(/email/),
    });
    await expect(changePassword(m.id, 'old-password-1', 'old-password-1')).rejects.toMatchObject({ code: 'INVALID' });
    expect(await verifyCredentials(email, 'old-password-1')).toMatchObject({ id: m.id });
  });

  it('ends every session minted before a password change; a sign-in with the new password works', async () => {
    const email = uniqueEmail('sv');
    const m = await createMember({ name: 'S', email, password: 'old-password-1' });
    const before = (await verifyCredentials(email, 'old-password-1'))!.sessionVersion;
    const phone = { userId: m.id, sessionVersion: before, sessionId: 'phone' };
    expect(await getSessionUserForToken(phone)).toMatchObject({ id: m.id });
    // A refused change (wrong current password) ends nothing.
    await expect(changePassword(m.id, 'not-it-at-all', 'new-password-22')).rejects.toMatchObject({ code: 'INVALID' });
    expect(await getSessionUserForToken(phone)).toMatchObject({ id: m.id });
    const after = await changePassword(m.id, 'old-password-1', 'new-password-22');
    expect(after).toBe(before + 1);
    expect(await getSessionUserForToken(phone)).toBeNull();
    // What the settings form does next: sign in again with the new password, under the new version.
    const renewed = await verifyCredentials(email, 'new-password-22');
    expect(renewed?.sessionVersion).toBe(after);
    expect(
      await getSessionUserForToken({
        userId: m.id,
        sessionVersion: renewed!.sessionVersion,
        sessionId: 'this-browser',
      }),
    ).toMatchObject({ id: m.id });
  });

  it('deletes the account only when the typed email matches (case and spaces aside)', async () => {
    const email = uniqueEmail('del');
    const m = await createMember({ name: 'D', email, password: 'password-dddd' });
    await expect(deleteOwnAccount(m.id, 'someone-else@it.reel.local')).rejects.toMatchObject({ code: 'INVALID' });
    expect(await getSessionUser(m.id)).not.toBeNull();
    const session = { userId: m.id, sessionVersion: (await getSessionUser(m.id))!.sessionVersion, sessionId: 'laptop' };
    expect(await getSessionUserForToken(session)).toMatchObject({ id: m.id });
    await deleteOwnAccount(m.id, `  ${email.toUpperCase()} `);
    expect(await getSessionUser(m.id)).toBeNull();
    // Every session of the account ends: a token minted before is refused on its next request.
    expect(await getSessionUserForToken(session)).toBeNull();
    // A new account with the same email is another member: the old token does not reach it.
    const again = await createMember({ name: 'D2', email, password: 'password-eeee' });
    expect(again.id).not.toBe(m.id);
    expect(await getSessionUserForToken(session)).toBeNull();
    expect(await verifyCredentials(email, 'password-dddd')).toBeNull();
  });
});

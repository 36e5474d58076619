'use server';

import { action } from '@/lib/server/action';
import { changePassword, deleteOwnAccount, updateProfile } from '@/lib/server/data/account';
import { ChangePasswordInput, DeleteAccountInput, UpdateProfileInput } from '@/lib/validation/account';

export const updateProfileAction = action(
  UpdateProfileInput,
  async (input, { user }) => updateProfile(user.id, input),
  {
    auth: 'user',
    revalidate: ['/settings'],
  },
);

export const changePasswordAction = action(
  ChangePasswordInput,
  // Every session ends (the session version is bumped); the form signs this browser in again with the new
  // password, so it needs the account's email.
  async ({ current, next }, { user }): Promise<{ email: string }> => {
    await changePassword(user.id, current, next);
    return { email: user.email ?? '' };
  },
  { auth: 'user' },
);

export const deleteAccountAction = action(
  DeleteAccountInput,
  async ({ confirmEmail }, { user }) => {
    await deleteOwnAccount(user.id, confirmEmail);
  },
  { auth: 'user' },
);

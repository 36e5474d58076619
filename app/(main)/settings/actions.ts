'use server';

import { action } from '@/lib/server/action';
import { changePassword, deleteOwnAccount, updateProfile } from '@/lib/server/data/account';
import { ChangePasswordInput, DeleteAccountInput, UpdateProfileInput } from '@/lib/validation/account';

export const updateProfileAction = action(UpdateProfileInput, async (input, { user }) => updateProfile(user.id, input), {
  auth: 'user',
  revalidate: ['/settings'],
});

export const changePasswordAction = action(
  ChangePasswordInput,
  async ({ current, next }, { user }) => {
    await changePassword(user.id, current, next);
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

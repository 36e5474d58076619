'use server';

import { action } from '@/lib/server/action';
import { deleteMemberAccount } from '@/lib/server/data/account';
import { isLastActiveAdmin, setMemberDisabled, setMemberRole } from '@/lib/server/data/admin-users';
import { AppError } from '@/lib/server/errors';
import { SetDisabledInput, SetRoleInput, UserIdInput } from '@/lib/validation/admin-users';

export const setRoleAction = action(
  SetRoleInput,
  async ({ userId, role }) => {
    await setMemberRole(userId, role);
  },
  { auth: 'admin', revalidate: ['/admin/users'] },
);

export const setDisabledAction = action(
  SetDisabledInput,
  async ({ userId, disabled }, { user }) => {
    if (disabled && userId === user.id) throw new AppError('INVALID', 'You cannot disable your own account.');
    await setMemberDisabled(userId, disabled);
  },
  { auth: 'admin', revalidate: ['/admin/users'] },
);

export const deleteUserAction = action(
  UserIdInput,
  async ({ userId }, { user }) => {
    if (userId === user.id)
      throw new AppError('INVALID', 'Delete your own account from your account page, not from here.');
    if (await isLastActiveAdmin(userId))
      throw new AppError('CONFLICT', 'This is the last admin who can sign in: make someone else an admin first.');
    await deleteMemberAccount(userId);
  },
  { auth: 'admin', revalidate: ['/admin/users'] },
);

'use server';

import { z } from 'zod';
import { action } from '@/lib/server/action';
import { bumpSessionVersion } from '@/lib/server/data/users';

/** Ends every session of the signed-in member, on every device (this one too: the form then clears its cookie). */
export const signOutEverywhereAction = action(
  z.object({}).strict().optional(),
  async (_input, { user }) => {
    await bumpSessionVersion(user.id);
  },
  { auth: 'user' },
);

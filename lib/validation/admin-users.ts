// Client-safe types and inputs of the admin users page (#24).
import { z } from 'zod';

export interface AdminUserRow {
  id: number;
  name: string | null;
  email: string | null;
  role: 'USER' | 'ADMIN';
  createdAt: string;
  disabledAt: string | null;
  ratings: number;
  /** Latest rating, watchlist or "not interested" change; null when none. */
  lastActive: string | null;
}

export const UserIdInput = z.object({ userId: z.coerce.number().int().positive() });
export const SetRoleInput = UserIdInput.extend({ role: z.enum(['USER', 'ADMIN']) });
export const SetDisabledInput = UserIdInput.extend({ disabled: z.boolean() });
export const UserSearchInput = z.object({ q: z.string().trim().max(100).default('') });

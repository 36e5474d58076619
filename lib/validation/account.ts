import { z } from 'zod';
import { NewPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './auth';

/** The password policy's minimum (lib/validation/auth.ts); the common-password check runs on the server. */
export const NEW_PASSWORD_MIN = PASSWORD_MIN_LENGTH;

export const UpdateProfileInput = z.object({
  name: z.string().trim().min(1, 'Tell us what to call you.').max(60, 'Keep your name under 60 characters.'),
  email: z.string().trim().toLowerCase().pipe(z.email('Enter a valid email address, like you@example.com.')),
});
export type UpdateProfileInput = z.infer<typeof UpdateProfileInput>;

export const ChangePasswordInput = z
  .object({
    current: z.string().min(1, 'Enter your current password.').max(PASSWORD_MAX_LENGTH, 'That password is too long.'),
    next: NewPassword,
    confirm: z.string(),
  })
  .refine((v) => v.next === v.confirm, { message: 'The two new passwords do not match.', path: ['confirm'] });
export type ChangePasswordInput = z.infer<typeof ChangePasswordInput>;

export const DeleteAccountInput = z.object({
  confirmEmail: z.string().trim().toLowerCase().min(1, 'Type your email address to confirm.'),
});
export type DeleteAccountInput = z.infer<typeof DeleteAccountInput>;

export interface AccountProfile {
  name: string | null;
  email: string | null;
}

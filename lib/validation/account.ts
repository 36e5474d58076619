import { z } from 'zod';

/** Until the password policy (sign-in hardening work) lands: at least 10 characters. */
export const NEW_PASSWORD_MIN = 10;

export const UpdateProfileInput = z.object({
  name: z.string().trim().min(1, 'Tell us what to call you.').max(60, 'Keep your name under 60 characters.'),
  email: z.string().trim().toLowerCase().pipe(z.email('Enter a valid email address, like you@example.com.')),
});
export type UpdateProfileInput = z.infer<typeof UpdateProfileInput>;

export const ChangePasswordInput = z
  .object({
    current: z.string().min(1, 'Enter your current password.'),
    next: z
      .string()
      .min(NEW_PASSWORD_MIN, `Use at least ${NEW_PASSWORD_MIN} characters for your new password.`)
      .max(128, 'Keep your password under 128 characters.'),
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

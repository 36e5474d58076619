import { z } from 'zod';
import { isCleanText, textSchema } from './common';

/** NIST SP 800-63B-style policy: length, not a known common password (checked on the server), no composition rules. */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

export const NewPassword = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters for your password.`)
  .max(PASSWORD_MAX_LENGTH, `Keep your password under ${PASSWORD_MAX_LENGTH} characters.`)
  .refine(isCleanText, 'Your password contains characters that are not allowed.')
  .refine((p) => new Set(p).size >= 3 && p.trim().length > 0, 'Pick a password that is not one character repeated.');

const Email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'Enter a valid email address.')
  .pipe(z.email('Enter a valid email address, like you@example.com.'));

export const SignUpInput = z.object({
  name: textSchema(60, 'Your name').pipe(z.string().min(1, 'Tell us what to call you.')),
  email: Email,
  password: NewPassword,
});
export type SignUpInput = z.infer<typeof SignUpInput>;

export const SignInInput = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .max(254, 'Enter a valid email address.')
    .pipe(z.email('Enter a valid email address.')),
  password: z.string().min(1, 'Enter your password.').max(PASSWORD_MAX_LENGTH, 'That password is too long.'),
});
export type SignInInput = z.infer<typeof SignInInput>;

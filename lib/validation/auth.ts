import { z } from 'zod';

export const SignUpInput = z.object({
  name: z.string().trim().min(1, 'Tell us what to call you.').max(60, 'Keep your name under 60 characters.'),
  email: z.string().trim().toLowerCase().pipe(z.email('Enter a valid email address, like you@example.com.')),
  password: z
    .string()
    .min(8, 'Use at least 8 characters for your password.')
    .max(128, 'Keep your password under 128 characters.'),
});
export type SignUpInput = z.infer<typeof SignUpInput>;

export const SignInInput = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email('Enter a valid email address.')),
  password: z.string().min(1, 'Enter your password.'),
});
export type SignInInput = z.infer<typeof SignInInput>;

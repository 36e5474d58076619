import { describe, expect, it, vi } from 'vitest';
import { SignUpInput } from '@/lib/validation/auth';
import { isCommonPassword, passwordPolicyProblem } from './policy';

vi.mock('server-only', () => ({}));

const base = { name: 'Ada', email: 'ada@example.com' };

describe('password policy', () => {
  it.each(['password', '12345678', '        ', 'short', '          ', 'aaaaaaaaaaaa', 'ababababab'])(
    'refuses %j at the form level (length or one repeated character)',
    (password) => {
      expect(SignUpInput.safeParse({ ...base, password }).success).toBe(false);
    },
  );

  it.each(['1234567890', 'qwertyuiop', 'password123', 'PASSWORD123', 'iloveyou12', '1q2w3e4r5t'])(
    'refuses the common password %j',
    (password) => {
      expect(isCommonPassword(password)).toBe(true);
      expect(passwordPolicyProblem(password)).toMatch(/common passwords/);
    },
  );

  it('accepts a long uncommon password and refuses the email as password', () => {
    expect(SignUpInput.safeParse({ ...base, password: 'velvet-tram-orchid' }).success).toBe(true);
    expect(passwordPolicyProblem('velvet-tram-orchid', base.email)).toBeNull();
    expect(passwordPolicyProblem('ada@example.com', base.email)).toMatch(/email/);
  });

  it('refuses a password with a NUL byte', () => {
    expect(SignUpInput.safeParse({ ...base, password: 'velvet\u0000tram-orchid' }).success).toBe(false);
  });

  it('keeps the demo passwords npm start generates within the policy', async () => {
    const { GENERATED_SECRETS } = await import('../../../scripts/local-env');
    for (const key of ['REEL_DEMO_PASSWORD', 'REEL_ADMIN_PASSWORD'] as const) {
      for (let i = 0; i < 50; i++) {
        const pw = GENERATED_SECRETS[key]();
        expect(SignUpInput.safeParse({ ...base, password: pw }).success, pw).toBe(true);
        expect(passwordPolicyProblem(pw), pw).toBeNull();
      }
    }
  });
});

import 'server-only';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The common-password check of Reel's password policy (lib/validation/auth.ts has the length rules). The list is
 * shipped in the repository (common-passwords.txt, its source and licence in its header) and read once per process.
 */
let common: Set<string> | null = null;

function commonPasswords(): Set<string> {
  if (!common) {
    // Read from the project root: the app and its scripts always run there (Next bundles this module elsewhere).
    const text = readFileSync(join(process.cwd(), 'lib', 'server', 'passwords', 'common-passwords.txt'), 'utf8');
    common = new Set(text.split('\n').filter((l) => l !== '' && !l.startsWith('#')));
  }
  return common;
}

/** True when the password (case-insensitively, ignoring surrounding spaces) is on the common-passwords list. */
export function isCommonPassword(password: string): boolean {
  return commonPasswords().has(password.trim().toLowerCase());
}

/** What is wrong with a new password beyond its length, or null. For sign-up and password change. */
export function passwordPolicyProblem(password: string, email?: string): string | null {
  const lower = password.trim().toLowerCase();
  if (isCommonPassword(password))
    return 'That password is on a list of common passwords. Pick something less guessable.';
  if (email && (lower === email.toLowerCase() || lower === email.toLowerCase().split('@')[0])) {
    return 'Pick a password that is not your email address.';
  }
  return null;
}

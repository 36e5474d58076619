// Reads and extends the git-ignored .env.local that holds generated secrets (NEXTAUTH_SECRET, demo passwords).
// The file is owner-only (0600): it holds the session secret and the demo passwords.
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { parse } from 'dotenv';

export const LOCAL_ENV_FILE = '.env.local';

/** Fresh values for the secrets npm start generates (the demo passwords meet the sign-up password policy). */
export const GENERATED_SECRETS = {
  NEXTAUTH_SECRET: () => randomBytes(32).toString('base64url'),
  REEL_DEMO_PASSWORD: () => `demo-${randomBytes(9).toString('base64url')}`,
  REEL_ADMIN_PASSWORD: () => `admin-${randomBytes(12).toString('base64url')}`,
} satisfies Record<string, () => string>;

export type GeneratedKey = keyof typeof GENERATED_SECRETS;

/**
 * Loads .env.local into process.env (real env wins) and generates any missing secret into it. Returns the keys
 * generated on this run, so the caller can show a new demo password once and never again.
 */
export function loadLocalEnv(log: (line: string) => void = console.log, file = LOCAL_ENV_FILE): GeneratedKey[] {
  const fileVars = existsSync(file) ? parse(readFileSync(file)) : {};
  for (const [k, v] of Object.entries(fileVars)) if (process.env[k] === undefined) process.env[k] = v;
  const added: GeneratedKey[] = [];
  let lines = '';
  for (const [key, make] of Object.entries(GENERATED_SECRETS) as [GeneratedKey, () => string][]) {
    if (process.env[key]) continue;
    const value = make();
    lines += `${key}=${value}\n`;
    process.env[key] = value;
    added.push(key);
  }
  if (lines) {
    // Created owner-only; an existing file is appended to and then narrowed to 0600 as well.
    const fd = openSync(file, 'a', 0o600);
    try {
      writeSync(fd, lines);
    } finally {
      closeSync(fd);
    }
  }
  if (existsSync(file) && (statSync(file).mode & 0o077) !== 0) {
    chmodSync(file, 0o600);
    log(`Made ${file} readable by its owner only (it holds the session secret and demo passwords).`);
  }
  if (added.length) log(`Generated ${added.join(', ')} into ${file} (git-ignored, mode 0600).`);
  return added;
}

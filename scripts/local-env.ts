// Reads and extends the git-ignored .env.local that holds generated secrets (NEXTAUTH_SECRET, demo passwords).
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, appendFileSync } from 'node:fs';
import { parse } from 'dotenv';

export const LOCAL_ENV_FILE = '.env.local';

const GENERATED: Record<string, () => string> = {
  NEXTAUTH_SECRET: () => randomBytes(32).toString('base64url'),
  REEL_DEMO_PASSWORD: () => `demo-${randomBytes(6).toString('base64url')}`,
  REEL_ADMIN_PASSWORD: () => `admin-${randomBytes(9).toString('base64url')}`,
};

/** Loads .env.local into process.env (real env wins) and generates any missing secret into it. */
export function loadLocalEnv(log: (line: string) => void = console.log): void {
  const fileVars = existsSync(LOCAL_ENV_FILE) ? parse(readFileSync(LOCAL_ENV_FILE)) : {};
  for (const [k, v] of Object.entries(fileVars)) if (process.env[k] === undefined) process.env[k] = v;
  const added: string[] = [];
  for (const [key, make] of Object.entries(GENERATED)) {
    if (process.env[key]) continue;
    const value = make();
    appendFileSync(LOCAL_ENV_FILE, `${key}=${value}\n`);
    process.env[key] = value;
    added.push(key);
  }
  if (added.length) log(`Generated ${added.join(', ')} into ${LOCAL_ENV_FILE} (git-ignored).`);
}

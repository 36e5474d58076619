// Database naming shared by the integration and e2e set-ups: every run gets fresh databases on the server in
// DATABASE_URL (default: the local test server), named with a random suffix and dropped afterwards.
import { randomBytes } from 'node:crypto';

export const DEFAULT_TEST_SERVER_URL = 'postgresql://postgres@127.0.0.1:5432/test';

/** The server the tests create their databases on. */
export function testServerUrl(): string {
  return process.env.DATABASE_URL || DEFAULT_TEST_SERVER_URL;
}

/** `url` with its database name replaced by `<prefix>_<random>` (lower case, valid unquoted identifier). */
export function freshDatabaseUrl(prefix: string, base = testServerUrl()): string {
  const url = new URL(base);
  url.pathname = `/${prefix}_${randomBytes(5).toString('hex')}`;
  return url.toString();
}

// Decides whether `next build` must run: a content hash of everything the build reads, kept in .next/.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const INPUTS = [
  'app',
  'components',
  'lib',
  'public',
  'types',
  'next.config.js',
  'package-lock.json',
  'tsconfig.json',
  'proxy.ts',
];
const STAMP = join('.next', 'reel-source-hash');

function walk(path: string, hash: ReturnType<typeof createHash>): void {
  if (!existsSync(path)) return;
  const st = statSync(path);
  if (st.isDirectory()) {
    for (const name of readdirSync(path).sort()) {
      if (name === 'node_modules' || name.endsWith('.test.ts')) continue;
      walk(join(path, name), hash);
    }
  } else {
    hash.update(path).update('\0').update(readFileSync(path)).update('\0');
  }
}

export function sourceHash(): string {
  const hash = createHash('sha256');
  for (const input of INPUTS) walk(input, hash);
  return hash.digest('hex');
}

export function isBuildFresh(hash: string): boolean {
  return existsSync(join('.next', 'BUILD_ID')) && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === hash;
}

export function markBuilt(hash: string): void {
  writeFileSync(STAMP, hash);
}

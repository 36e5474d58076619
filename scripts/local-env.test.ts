import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GENERATED_SECRETS, loadLocalEnv } from './local-env';

const KEYS = Object.keys(GENERATED_SECRETS);
const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));

afterEach(() => {
  for (const k of KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe('loadLocalEnv', () => {
  it('writes generated secrets owner-only (0600) and reports them only on the run that made them', () => {
    for (const k of KEYS) delete process.env[k];
    const file = join(mkdtempSync(join(tmpdir(), 'reel-env-')), '.env.local');
    const first = loadLocalEnv(() => {}, file);
    expect(first.sort()).toEqual([...KEYS].sort());
    expect(statSync(file).mode & 0o777).toBe(0o600);
    for (const k of KEYS) delete process.env[k];
    expect(loadLocalEnv(() => {}, file)).toEqual([]); // second start: nothing new, nothing to print
    expect(process.env.REEL_DEMO_PASSWORD).toMatch(/^demo-/);
  });

  it('narrows an existing world-readable file to 0600', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'reel-env-')), '.env.local');
    writeFileSync(file, 'NEXTAUTH_SECRET=x\n', { mode: 0o644 });
    const lines: string[] = [];
    loadLocalEnv((l) => lines.push(l), file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(lines.join('\n')).toMatch(/readable by its owner only/);
  });
});

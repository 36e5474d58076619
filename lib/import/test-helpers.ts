import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { zipSync } from 'fflate';

/** Zips a fixture folder the way Letterboxd ships its export (files under one top-level folder). */
export function zipFolder(dir: string, prefix = 'letterboxd-someone-2024-01-01-00-00-utc/'): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files[prefix + relative(dir, p)] = new Uint8Array(readFileSync(p));
    }
  };
  walk(dir);
  return zipSync(files);
}

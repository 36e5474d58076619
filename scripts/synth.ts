/**
 * Writes seeded synthetic ratings in MovieLens CSV format (userId,movieId,rating,timestamp), streamed
 * in ~1 MB chunks so 25M rows never exist as strings at once.
 *
 *   npm run synth -- --shape ml-1m --seed 1 --out /tmp/ml1m.csv
 *   npm run synth -- --users N --items M --ratings R --seed S --out F
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { generateSynthetic, SYNTH_SHAPES, type SynthConfig } from '../lib/recommender/eval/synth';

const HELP = `npm run synth -- (--shape ml-1m|ml-25m | --users N --items M --ratings R) [--seed S] --out FILE
  --factors K   planted taste dimensions (default 8)
  --noise X     rating noise std (default 0.7)
Writes userId,movieId,rating,timestamp rows (header included), sorted by user then movie.`;

function main(): void {
  const { values } = parseArgs({
    options: {
      shape: { type: 'string' },
      users: { type: 'string' },
      items: { type: 'string' },
      ratings: { type: 'string' },
      seed: { type: 'string', default: '1' },
      factors: { type: 'string' },
      noise: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP + '\n');
    return;
  }
  const shape = values.shape ? SYNTH_SHAPES[values.shape as keyof typeof SYNTH_SHAPES] : undefined;
  if (values.shape && !shape)
    throw new Error(`unknown --shape ${values.shape}; use ${Object.keys(SYNTH_SHAPES).join(' or ')}`);
  const num = (s: string | undefined, name: string, fallback?: number): number => {
    if (s === undefined) {
      if (fallback === undefined) throw new Error(`--${name} is required (or use --shape)`);
      return fallback;
    }
    const n = Number(s);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
    return n;
  };
  if (!values.out) throw new Error('--out FILE is required');
  const cfg: SynthConfig = {
    users: num(values.users, 'users', shape?.users),
    items: num(values.items, 'items', shape?.items),
    ratings: num(values.ratings, 'ratings', shape?.ratings),
    seed: Number(values.seed),
    ...(values.factors ? { factors: num(values.factors, 'factors') } : {}),
    ...(values.noise ? { noise: Number(values.noise) } : {}),
  };
  const fd = openSync(values.out, 'w');
  const started = performance.now();
  let parts: string[] = ['userId,movieId,rating,timestamp\n'];
  let pending = 0;
  let rows = 0;
  const flush = () => {
    writeSync(fd, parts.join(''));
    parts = [];
    pending = 0;
  };
  try {
    generateSynthetic(cfg, (u, i, r, t) => {
      parts.push(`${u},${i},${r % 1 === 0 ? `${r}.0` : r},${t}\n`);
      rows++;
      if (++pending === 32_768) flush();
    });
    flush();
  } finally {
    closeSync(fd);
  }
  process.stderr.write(
    `[synth] ${rows} ratings (${cfg.users} users × ${cfg.items} items, seed ${cfg.seed}) → ${values.out} in ${((performance.now() - started) / 1000).toFixed(1)}s\n`,
  );
}

try {
  main();
} catch (err) {
  process.stderr.write(`[synth] error: ${(err as Error).message}\n`);
  process.exit(1);
}

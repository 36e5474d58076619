/**
 * The issue #23 A/B/C table from saved eval runs (numbers come from the files, never typed by hand).
 *
 *   npx tsx scripts/eval/implicit-table.ts results/eval/<A>.json results/eval/<B>.json results/eval/<C>.json [<C2>.json …]
 *
 * A = all ratings (--implicit-sim none), B = the half dropped (drop), C… = the half as watches and likes (watches).
 * "Gap recovered" = (C − B) / (A − B) per metric; the issue's target is ≥ 0.5.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface Run {
  file: string;
  metrics: Record<string, number>;
  implicitSimulation?: { mode: string; weights?: { watch: number; like: number; watchlist?: number } };
  commit?: string | null;
  dirty?: boolean | null;
}

const files = process.argv.slice(2);
if (files.length < 3) {
  process.stderr.write('usage: implicit-table.ts A.json B.json C.json [C2.json …]\n');
  process.exit(2);
}
const runs: Run[] = files.map((f) => ({
  file: basename(f),
  ...(JSON.parse(readFileSync(f, 'utf8')) as Omit<Run, 'file'>),
}));
const [a, b] = runs;
const metrics = ['ndcg@10', 'recall@20'] as const;
const label = (r: Run, x: number): string => {
  const s = r.implicitSimulation;
  if (!s) return 'A: all ratings';
  if (s.mode === 'drop') return 'B: half dropped';
  return `${x === 2 ? 'C' : `C${x - 1}`}: half as watches + likes (watch ${s.weights?.watch}, like ${s.weights?.like})`;
};
// Runs made from a `git archive` export have no git checkout and record commit null: say "export" rather than "?".
const at = (r: Run): string =>
  r.commit ? `commit ${r.commit.slice(0, 7)}${r.dirty ? ', dirty' : ''}` : 'git-archive export, see the text';
const lines = [
  '| run | NDCG@10 | Recall@20 | gap recovered NDCG@10 | gap recovered Recall@20 | file |',
  '|---|---|---|---|---|---|',
];
runs.forEach((r, x) => {
  const rec = metrics.map((m) =>
    x >= 2 ? ((r.metrics[m] - b.metrics[m]) / (a.metrics[m] - b.metrics[m])).toFixed(2) : '—',
  );
  lines.push(
    `| ${label(r, x)} | ${r.metrics['ndcg@10'].toFixed(4)} | ${r.metrics['recall@20'].toFixed(4)} | ${rec[0]} | ${rec[1]} | ${r.file} (${at(r)}) |`,
  );
});
process.stdout.write(lines.join('\n') + '\n');

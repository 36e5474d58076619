// `npm test`: type-check, format check, lint, then the unit, integration and browser e2e suites, each as a child
// process with its output streamed. Prints a per-stage table and one closing line `N passed, M failed[, K skipped]`;
// exits non-zero when any stage failed. Every stage runs even after a failure, so one run shows everything.
// Usage: npm test [-- --only unit,integration]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

interface Stage {
  name: string;
  command: string;
  args: string[];
  /** Path of the vitest JSON report, for stages that run tests. */
  report?: string;
}

interface StageResult {
  name: string;
  ok: boolean;
  seconds: number;
  passed: number | null;
  failed: number | null;
  skipped: number | null;
  note: string;
}

const bin = (name: string) => resolve('node_modules', '.bin', name);
const reportDir = mkdtempSync(join(tmpdir(), 'reel-test-'));

function vitestStage(project: string): Stage {
  const report = join(reportDir, `${project}.json`);
  return {
    name: project,
    command: bin('vitest'),
    args: ['run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
    report,
  };
}

const ALL: Stage[] = [
  { name: 'typecheck', command: bin('tsc'), args: ['--noEmit', '-p', '.'] },
  // Formatting is checked, never rewritten, here: `npm run format` fixes what this stage reports.
  { name: 'format', command: bin('prettier'), args: ['--check', '.'] },
  { name: 'lint', command: bin('eslint'), args: ['.'] },
  vitestStage('unit'),
  vitestStage('integration'),
  vitestStage('e2e'),
];

const onlyIdx = process.argv.indexOf('--only');
const only = onlyIdx > 0 ? new Set(process.argv[onlyIdx + 1]?.split(',')) : null;
const stages = only ? ALL.filter((s) => only.has(s.name)) : ALL;

function run(stage: Stage): Promise<number> {
  return new Promise((done) => {
    const child = spawn(stage.command, stage.args, { stdio: 'inherit', env: process.env });
    child.on('error', (err) => {
      console.error(`[test] could not start ${stage.name}: ${err.message}`);
      done(127);
    });
    child.on('exit', (code, signal) => done(code ?? (signal ? 128 : 1)));
  });
}

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  /** One entry per test file. */
  testResults?: { name: string; status: string }[];
}

const results: StageResult[] = [];
for (const stage of stages) {
  console.log(`\n━━━ ${stage.name}: ${[stage.command.replace(process.cwd() + '/', ''), ...stage.args].join(' ')}`);
  const t0 = performance.now();
  const code = await run(stage);
  const seconds = (performance.now() - t0) / 1000;
  const r: StageResult = {
    name: stage.name,
    ok: code === 0,
    seconds,
    passed: null,
    failed: null,
    skipped: null,
    note: '',
  };
  if (stage.report) {
    if (existsSync(stage.report)) {
      const j = JSON.parse(readFileSync(stage.report, 'utf8')) as VitestJson;
      r.passed = j.numPassedTests;
      r.failed = j.numFailedTests;
      r.skipped = j.numPendingTests + j.numTodoTests;
      const failedFiles = (j.testResults ?? []).filter((f) => f.status === 'failed').length;
      if (failedFiles) r.note = `${failedFiles} file(s) with failures`;
    } else {
      r.note = 'no test report (vitest did not finish)';
    }
  }
  if (!r.ok && !r.note) r.note = `exit code ${code}`;
  results.push(r);
}
rmSync(reportDir, { recursive: true, force: true });

// A failed stage that counted no failing test (type errors, lint errors, a crashed run) counts as one failure.
let passed = 0;
let failed = 0;
let skipped = 0;
for (const r of results) {
  passed += r.passed ?? (r.ok ? 1 : 0);
  failed += Math.max(r.failed ?? 0, r.ok ? 0 : 1);
  skipped += r.skipped ?? 0;
}

const cell = (v: number | null) => (v === null ? '-' : String(v));
const rows = [
  ['stage', 'result', 'passed', 'failed', 'skipped', 'time', 'note'],
  ...results.map((r) => [
    r.name,
    r.ok ? 'ok' : 'FAILED',
    cell(r.passed),
    cell(r.failed),
    cell(r.skipped),
    `${r.seconds.toFixed(1)} s`,
    r.note,
  ]),
];
const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
console.log('\n━━━ summary (typecheck, format and lint count as one check each)');
for (const row of rows)
  console.log(
    row
      .map((v, c) => v.padEnd(widths[c]))
      .join('  ')
      .trimEnd(),
  );
const total = results.reduce((s, r) => s + r.seconds, 0);
console.log(`total time ${(total / 60).toFixed(1)} min`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(results.every((r) => r.ok) ? 0 : 1);

// Work `npm start` does after seeding: the first model, then the background worker beside the web server.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

let worker: ChildProcess | null = null;
let stopping = false;

export async function afterSeed(log: (line: string) => void): Promise<void> {
  const { getActiveVersionId } = await import('../lib/server/data/models');
  const { countMovies } = await import('../lib/server/data/catalogue');
  if ((await getActiveVersionId()) === null && (await countMovies()) > 0) {
    log('Training the first model (later runs happen nightly and from the admin page) …');
    const { recomputeModel } = await import('../lib/server/services/model-training');
    const t = performance.now();
    const result = await recomputeModel({ trigger: 'startup' });
    log(
      `Model version ${result.versionId} trained in ${((performance.now() - t) / 1000).toFixed(1)} s ` +
        `(validation NDCG@10 ${result.metrics['ndcg@10'].toFixed(3)}, RMSE ${result.metrics.rmse.toFixed(3)}).`,
    );
  }
}

/** Back-off before restarting a dead worker: 1 s, 2 s, 4 s … at most 60 s; reset once a worker has run 5 minutes. */
export function restartDelayMs(consecutiveFailures: number): number {
  return Math.min(60_000, 1_000 * 2 ** Math.max(0, consecutiveFailures - 1));
}

/**
 * Runs the background worker beside the web server and supervises it: a worker that dies (crash, kill -9, out of
 * memory) is started again with back-off, and on start it fails the jobs its predecessor left running so the queue
 * retries them (lib/server/jobs/worker.ts). Its heartbeat row tells the admin page whether it is alive.
 */
export function startWorker(env: NodeJS.ProcessEnv, log: (line: string) => void): void {
  let failures = 0;
  const launch = () => {
    const startedAt = Date.now();
    // Node itself with tsx as a loader (not the tsx CLI, which runs the script in a second process): the pid we
    // supervise is the worker, so a kill of that pid is seen here at once and leaves no orphan behind.
    const child = spawn(
      process.execPath,
      ['--conditions=react-server', '--import', 'tsx', resolve('scripts', 'worker.ts')],
      {
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...env, DB_POOL_MAX: '3' },
      },
    );
    worker = child;
    log(`worker started (pid ${child.pid})`);
    child.on('exit', (code, signal) => {
      if (stopping) return;
      failures = Date.now() - startedAt > 5 * 60_000 ? 1 : failures + 1;
      const delay = restartDelayMs(failures);
      log(`worker exited (${signal ?? `code ${code}`}); restarting in ${(delay / 1000).toFixed(0)} s`);
      setTimeout(() => {
        if (!stopping) launch();
      }, delay).unref();
    });
  };
  launch();
}

/** The running worker's pid (tests kill it to check the supervision). */
export function currentWorkerPid(): number | undefined {
  return worker && worker.exitCode === null && worker.signalCode === null ? worker.pid : undefined;
}

export async function beforeExit(): Promise<void> {
  stopping = true;
  if (!worker || worker.exitCode !== null || worker.signalCode !== null) return;
  const w = worker;
  await new Promise<void>((done) => {
    w.once('exit', () => done());
    w.kill('SIGTERM');
    setTimeout(done, 10_000).unref();
  });
}

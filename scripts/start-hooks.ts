// Work `npm start` does after seeding: the first model, then the background worker beside the web server.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

let worker: ChildProcess | null = null;

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

export function startWorker(env: NodeJS.ProcessEnv, log: (line: string) => void): void {
  worker = spawn(resolve('node_modules', '.bin', 'tsx'), ['--conditions=react-server', resolve('scripts', 'worker.ts')], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...env, DB_POOL_MAX: '3' },
  });
  worker.on('exit', (code, signal) => {
    if (code !== 0 && code !== 143 && signal !== 'SIGTERM') log(`worker exited (${signal ?? code}); model recomputes are paused until restart`);
  });
}

export async function beforeExit(): Promise<void> {
  if (!worker || worker.exitCode !== null) return;
  const w = worker;
  await new Promise<void>((done) => {
    w.once('exit', () => done());
    w.kill('SIGTERM');
    setTimeout(done, 10_000).unref();
  });
}

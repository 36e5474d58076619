// Background worker: model recomputes (nightly + on demand) and catalogue imports. `npm start` runs it for you.
const { startWorker } = await import('../lib/server/jobs/worker');
const stop = await startWorker();
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    void stop().finally(() => process.exit(0));
  });
}

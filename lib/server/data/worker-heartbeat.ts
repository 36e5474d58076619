import 'server-only';
import { hostname } from 'node:os';
import { WORKER_STALE_MS, type WorkerStatusDto } from '@/lib/validation/worker-status';
import { db } from '../db';

const WORKER_NAME = 'worker';

/** The worker's heartbeat: one row, refreshed every few seconds while it runs (the admin page reads it). */
export async function beatWorker(startedAt: Date): Promise<void> {
  const now = new Date();
  await db.workerHeartbeat.upsert({
    where: { name: WORKER_NAME },
    create: { name: WORKER_NAME, pid: process.pid, hostname: hostname(), startedAt, lastSeenAt: now },
    update: { pid: process.pid, hostname: hostname(), startedAt, lastSeenAt: now },
    select: { name: true },
  });
}

/** Marks the worker as stopped at once on a clean shutdown (instead of waiting for the heartbeat to go stale). */
export async function markWorkerStopped(): Promise<void> {
  await db.workerHeartbeat.updateMany({ where: { name: WORKER_NAME, pid: process.pid }, data: { lastSeenAt: new Date(Date.now() - WORKER_STALE_MS - 1) } });
}

export async function getWorkerStatus(): Promise<WorkerStatusDto> {
  const row = await db.workerHeartbeat.findUnique({ where: { name: WORKER_NAME }, select: { lastSeenAt: true, startedAt: true, pid: true } });
  const now = new Date();
  return {
    alive: !!row && now.getTime() - row.lastSeenAt.getTime() < WORKER_STALE_MS,
    lastSeenAt: row?.lastSeenAt.toISOString() ?? null,
    startedAt: row?.startedAt.toISOString() ?? null,
    pid: row?.pid ?? null,
    now: now.toISOString(),
  };
}

/** Ids of the pg-boss jobs of `queue` that are marked active (a worker took them and has not finished). */
export async function listActiveQueueJobIds(queue: string): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM pgboss.job WHERE name = ${queue} AND state = 'active'`;
  return rows.map((r) => r.id);
}

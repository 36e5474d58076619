import 'server-only';
import PgBoss from 'pg-boss';
import { requireDatabaseUrl } from '@/lib/env';

export const RECOMPUTE_QUEUE = 'recompute-model';
export const IMPORT_QUEUE = 'import-catalogue';
/** A member's history import confirmed from a large file (lib/server/jobs/member-import.ts). */
export const MEMBER_IMPORT_QUEUE = 'member-import';

export interface RecomputeJob {
  trigger: 'nightly' | 'admin' | 'startup';
  versionId?: number;
}

export interface ImportJob {
  importId: number;
}

export interface MemberImportJob {
  memberImportId: number;
}

const globalForBoss = globalThis as unknown as { reelBoss?: Promise<PgBoss> };

/**
 * The process's pg-boss instance (small pool: on the embedded database every connection shares one engine).
 * The web server only sends; the worker process (scripts/worker.ts) also works and schedules.
 */
export function getBoss(max = 2): Promise<PgBoss> {
  globalForBoss.reelBoss ??= (async () => {
    const boss = new PgBoss({ connectionString: requireDatabaseUrl(), max, schema: 'pgboss' });
    boss.on('error', (err) => console.error('[queue] pg-boss error', err));
    await boss.start();
    await boss.createQueue(RECOMPUTE_QUEUE);
    await boss.createQueue(IMPORT_QUEUE);
    await boss.createQueue(MEMBER_IMPORT_QUEUE);
    return boss;
  })();
  // A failed start (database down, two processes creating the schema at once: deadlock) must not be cached forever.
  const starting = globalForBoss.reelBoss;
  starting.catch(() => {
    if (globalForBoss.reelBoss === starting) globalForBoss.reelBoss = undefined;
  });
  return starting;
}

export async function stopBoss(): Promise<void> {
  const boss = await globalForBoss.reelBoss;
  globalForBoss.reelBoss = undefined;
  await boss?.stop({ graceful: true, timeout: 10_000 });
}

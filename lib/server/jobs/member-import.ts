import 'server-only';
import type PgBoss from 'pg-boss';
import { ConfirmImportInput } from '@/lib/import/preview-types';
import {
  applyMemberImport,
  failImportJob,
  planSize,
  setImportJobProgress,
  takeImportJob,
} from '../data/member-imports';
import { AppError } from '../errors';
import { planImport } from '../services/history-import';
import type { MemberImportJob } from './queue';

/**
 * Progress writes, at most four a second, one after another (a late one never lands after the next phase's), outside
 * the import's transaction. On PostgreSQL they show while the transaction writes; on the embedded database (one
 * transaction at a time) they wait for its commit and are then no-ops (the row is no longer APPLYING).
 */
function progressWriter(id: number) {
  let chain: Promise<void> = Promise.resolve();
  let last = 0;
  let latest: Parameters<typeof setImportJobProgress>[1] | null = null;
  let timer: NodeJS.Timeout | null = null;
  const write = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!latest) return;
    const data = latest;
    latest = null;
    last = Date.now();
    chain = chain
      .then(() => setImportJobProgress(id, data))
      .catch((err: unknown) => console.error(`[worker] progress of member import ${id} failed`, err));
  };
  const push = (data: Parameters<typeof setImportJobProgress>[1], force = false) => {
    latest = { ...latest, ...data };
    if (force || Date.now() - last >= 250) write();
    else timer ??= setTimeout(write, 250 - (Date.now() - last)); // the last value always lands
  };
  return {
    push,
    flush: () => {
      write();
      return chain;
    },
  };
}

/** Runs one queued confirm: reads the preview, plans the writes with the member's choices, writes them in ONE transaction. */
export async function runImportJob(memberImportId: number): Promise<number | null> {
  const job = await takeImportJob(memberImportId);
  if (!job) return null; // already done, failed or taken by another delivery
  const progress = progressWriter(memberImportId);
  try {
    const choices = ConfirmImportInput.parse({ ...(job.choices as object), importId: memberImportId });
    const plan = planImport(job.payload, choices);
    const total = planSize(plan);
    progress.push({ phase: 'writing', rowsDone: 0, rowsTotal: total }, true);
    // The phase must be visible before the transaction starts (on the embedded database nothing else is until it ends).
    await progress.flush();
    const t = performance.now();
    await applyMemberImport(job.userId, memberImportId, plan, {
      job: true,
      onProgress: (written) => progress.push({ rowsDone: written }),
    });
    const writeMs = performance.now() - t;
    await progress.flush();
    console.log(
      `[worker] member import ${memberImportId}: ${total} rows written in one transaction of ${(writeMs / 1000).toFixed(2)} s`,
    );
    return writeMs;
  } catch (err) {
    await progress.flush();
    const message =
      err instanceof AppError
        ? err.message
        : 'The import failed and nothing was written. Try again; if it fails again, upload the file again.';
    await failImportJob(memberImportId, message);
    if (!(err instanceof AppError)) {
      console.error(`[worker] member import ${memberImportId} failed (nothing written)`, err);
      throw err;
    }
    return null;
  }
}

/** The member-import queue's handler: one confirm at a time. */
export async function handleMemberImport(jobs: PgBoss.Job<MemberImportJob>[]): Promise<void> {
  for (const job of jobs) await runImportJob(job.data.memberImportId);
}

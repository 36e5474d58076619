import 'server-only';
import { db } from '../db';
import type { ModelLogLevel, ModelLogLineDto } from '@/lib/validation/admin';

export type { ModelLogLevel, ModelLogLineDto } from '@/lib/validation/admin';

/** The next free line number of a version's log (0 for a new version). */
export async function nextLogSeq(versionId: number): Promise<number> {
  const last = await db.modelVersionLog.findFirst({
    where: { modelVersionId: versionId },
    orderBy: { seq: 'desc' },
    select: { seq: true },
  });
  return last ? last.seq + 1 : 0;
}

/** Stores lines of a version's training log (numbered by the caller, in the order they were written). */
export async function appendVersionLog(
  versionId: number,
  lines: { seq: number; at: Date; level: ModelLogLevel; message: string }[],
): Promise<void> {
  if (lines.length === 0) return;
  await db.modelVersionLog.createMany({
    data: lines.map((l) => ({
      modelVersionId: versionId,
      seq: l.seq,
      at: l.at,
      level: l.level,
      message: l.message.slice(0, 4000),
    })),
    skipDuplicates: true,
  });
}

/** A version's log, newest line first. */
export async function listVersionLog(versionId: number, limit = 1000): Promise<ModelLogLineDto[]> {
  const rows = await db.modelVersionLog.findMany({
    where: { modelVersionId: versionId },
    orderBy: { seq: 'desc' },
    take: limit,
    select: { seq: true, at: true, level: true, message: true },
  });
  return rows.map((r) => ({ ...r, level: r.level as ModelLogLevel, at: r.at.toISOString() }));
}

import 'server-only';
import type { CatalogueImportDto, CatalogueSource, ImportKind, ImportStatus } from '@/lib/validation/admin-catalogue';
import { db, Prisma } from '../db';
import { ConflictError, NotFoundError, prismaCode } from '../errors';

export type { CatalogueImportDto } from '@/lib/validation/admin-catalogue';

const importSelect = {
  id: true, kind: true, status: true, source: true, dataDir: true, previewId: true, maxRejectShare: true, phase: true,
  progress: true, rowsDone: true, rowsTotal: true, phaseStartedAt: true, startedAt: true, createdAt: true, finishedAt: true,
  cancelRequested: true, requestedBy: true, report: true, error: true,
} satisfies Prisma.CatalogueImportSelect;
type ImportRow = Prisma.CatalogueImportGetPayload<{ select: typeof importSelect }>;

function toDto(r: ImportRow, names: Map<number, string>): CatalogueImportDto {
  return {
    id: r.id,
    kind: r.kind === 'PREVIEW' ? 'PREVIEW' : 'APPLY',
    status: r.status,
    source: (r.source as CatalogueSource | null) ?? null,
    dataDir: r.dataDir,
    previewId: r.previewId,
    maxRejectShare: r.maxRejectShare,
    phase: r.phase,
    progress: r.progress,
    rowsDone: r.rowsDone,
    rowsTotal: r.rowsTotal,
    phaseStartedAt: r.phaseStartedAt?.toISOString() ?? null,
    startedAt: r.startedAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    cancelRequested: r.cancelRequested,
    requestedBy: r.requestedBy === null ? null : (names.get(r.requestedBy) ?? `user ${r.requestedBy}`),
    report: r.report as Record<string, unknown> | null,
    error: r.error,
  };
}

async function requesterNames(rows: ImportRow[]): Promise<Map<number, string>> {
  const ids = [...new Set(rows.map((r) => r.requestedBy).filter((x): x is number => x !== null))];
  if (!ids.length) return new Map();
  const users = await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, email: true, name: true } });
  return new Map(users.map((u) => [u.id, u.email ?? u.name ?? `user ${u.id}`]));
}

/** Queues a dry run or reload; only one may be queued or running (a partial unique index says so). */
export async function createImport(input: {
  requestedBy: number | null;
  dataDir: string | null;
  kind?: ImportKind;
  source?: CatalogueSource;
  previewId?: number;
  maxRejectShare?: number;
}): Promise<number> {
  try {
    const row = await db.catalogueImport.create({
      data: {
        requestedBy: input.requestedBy,
        dataDir: input.dataDir,
        kind: input.kind ?? 'APPLY',
        source: input.source as unknown as Prisma.InputJsonValue | undefined,
        previewId: input.previewId,
        maxRejectShare: input.maxRejectShare,
      },
      select: { id: true },
    });
    return row.id;
  } catch (err) {
    if (prismaCode(err) === 'P2002') {
      throw new ConflictError('A catalogue dry run or reload is already running: wait for it to finish or cancel it.', { cause: err });
    }
    throw err;
  }
}

export async function updateImport(
  id: number,
  data: {
    status?: ImportStatus;
    phase?: string;
    progress?: number;
    rowsDone?: number;
    rowsTotal?: number;
    phaseStarted?: boolean;
    started?: boolean;
    dataDir?: string;
    report?: object;
    error?: string;
    finished?: boolean;
  },
): Promise<void> {
  const now = new Date();
  await db.catalogueImport.update({
    where: { id },
    data: {
      status: data.status,
      phase: data.phase,
      progress: data.progress,
      rowsDone: data.rowsDone,
      rowsTotal: data.rowsTotal,
      dataDir: data.dataDir,
      phaseStartedAt: data.phaseStarted ? now : undefined,
      startedAt: data.started ? now : undefined,
      report: data.report as Prisma.InputJsonValue | undefined,
      error: data.error?.slice(0, 4000),
      finishedAt: data.finished ? now : undefined,
    },
    select: { id: true },
  });
}

export async function getImport(id: number): Promise<CatalogueImportDto> {
  const row = await db.catalogueImport.findUnique({ where: { id }, select: importSelect });
  if (!row) throw new NotFoundError(`There is no catalogue job ${id}.`);
  return toDto(row, await requesterNames([row]));
}

export async function listImports(limit = 10): Promise<CatalogueImportDto[]> {
  const rows = await db.catalogueImport.findMany({ orderBy: { id: 'desc' }, take: limit, select: importSelect });
  const names = await requesterNames(rows);
  return rows.map((r) => toDto(r, names));
}

/** Asks the running job to stop (it rolls back what it switched); false when nothing was running. */
export async function requestCancel(id: number): Promise<boolean> {
  // Not started yet: cancelled at once (the worker skips it); running: the job stops at its next batch.
  const queued = await db.catalogueImport.updateMany({
    where: { id, status: 'QUEUED' },
    data: { cancelRequested: true, status: 'CANCELLED', phase: 'cancelled', error: 'Cancelled before it started.', finishedAt: new Date() },
  });
  if (queued.count > 0) return true;
  const res = await db.catalogueImport.updateMany({ where: { id, status: 'RUNNING' }, data: { cancelRequested: true } });
  return res.count > 0;
}

export async function isCancelRequested(id: number): Promise<boolean> {
  const row = await db.catalogueImport.findUnique({ where: { id }, select: { cancelRequested: true } });
  return row?.cancelRequested ?? false;
}

/** Jobs a stopped worker left RUNNING (queued ones are still delivered by the queue). */
export async function failStaleImports(reason: string): Promise<void> {
  await db.catalogueImport.updateMany({ where: { status: 'RUNNING' }, data: { status: 'FAILED', error: reason, finishedAt: new Date() } });
}

/** The folders of jobs still queued or running (their files must stay). */
export async function listActiveImportDirs(): Promise<string[]> {
  const rows = await db.catalogueImport.findMany({
    where: { status: { in: ['QUEUED', 'RUNNING'] }, dataDir: { not: null } },
    select: { dataDir: true },
  });
  return rows.map((r) => r.dataDir!);
}

/** Stores every rejected row of a job (replacing any stored before), in chunks of plain inserts. */
export async function saveImportRejects(
  importId: number,
  issues: readonly { file: string; line: number; message: string }[],
  chunk = 5_000,
): Promise<void> {
  await db.catalogueReject.deleteMany({ where: { importId } });
  for (let from = 0; from < issues.length; from += chunk) {
    await db.catalogueReject.createMany({
      data: issues.slice(from, from + chunk).map((i, x) => ({
        importId,
        seq: from + x,
        file: i.file.slice(0, 200),
        line: Math.max(0, Math.min(2 ** 31 - 1, Math.trunc(i.line) || 0)),
        reason: i.message.slice(0, 2000),
      })),
    });
  }
}

/** One page of a job's stored rejected rows, in file order (`afterSeq` = the last seq of the previous page). */
export async function listImportRejects(
  importId: number,
  afterSeq = -1,
  take = 5_000,
): Promise<{ seq: number; file: string; line: number; message: string }[]> {
  const rows = await db.catalogueReject.findMany({
    where: { importId, seq: { gt: afterSeq } },
    orderBy: { seq: 'asc' },
    take,
    select: { seq: true, file: true, line: true, reason: true },
  });
  return rows.map((r) => ({ seq: r.seq, file: r.file, line: r.line, message: r.reason }));
}

export async function countImportRejects(importId: number): Promise<number> {
  return db.catalogueReject.count({ where: { importId } });
}

import 'server-only';
import { db, Prisma } from '../db';
import type { CatalogueImportDto } from '@/lib/validation/admin';

export type { CatalogueImportDto } from '@/lib/validation/admin';

export async function createImport(requestedBy: number | null, dataDir: string | null): Promise<number> {
  return (await db.catalogueImport.create({ data: { requestedBy, dataDir }, select: { id: true } })).id;
}

export async function updateImport(
  id: number,
  data: { status?: CatalogueImportDto['status']; phase?: string; progress?: number; report?: object; error?: string; finished?: boolean },
): Promise<void> {
  await db.catalogueImport.update({
    where: { id },
    data: {
      status: data.status,
      phase: data.phase,
      progress: data.progress,
      report: data.report as Prisma.InputJsonValue | undefined,
      error: data.error?.slice(0, 4000),
      finishedAt: data.finished ? new Date() : undefined,
    },
  });
}

export async function listImports(limit = 10): Promise<CatalogueImportDto[]> {
  const rows = await db.catalogueImport.findMany({ orderBy: { id: 'desc' }, take: limit });
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    dataDir: r.dataDir,
    phase: r.phase,
    progress: r.progress,
    report: r.report as Record<string, unknown> | null,
    error: r.error,
    createdAt: r.createdAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
  }));
}

export async function failStaleImports(reason: string): Promise<void> {
  await db.catalogueImport.updateMany({ where: { status: { in: ['QUEUED', 'RUNNING'] } }, data: { status: 'FAILED', error: reason, finishedAt: new Date() } });
}

import { NextResponse } from 'next/server';
import { adminOrForbidden } from '@/lib/server/admin-guard';
import { getImport } from '@/lib/server/data/imports';
import { AppError } from '@/lib/server/errors';
import { rejectsCsv } from '@/lib/validation/rejects-csv';

/** GET: a dry run's or reload's rejected rows as CSV (file, line, reason). */
export async function GET(_req: Request, ctx: { params: Promise<{ importId: string }> }) {
  const admin = await adminOrForbidden();
  if (admin instanceof NextResponse) return admin;
  const id = Number((await ctx.params).importId);
  if (!Number.isInteger(id) || id <= 0) return NextResponse.json({ error: 'Unknown job.' }, { status: 404 });
  try {
    const job = await getImport(id);
    const issues = Array.isArray(job.report?.issues)
      ? (job.report.issues as { file: string; line: number; message: string }[])
      : [];
    return new NextResponse(rejectsCsv(issues), {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="catalogue-${id}-rejected-rows.csv"`,
        'cache-control': 'no-store',
      },
    });
  } catch (err) {
    if (err instanceof AppError && err.code === 'NOT_FOUND')
      return NextResponse.json({ error: err.message }, { status: 404 });
    throw err;
  }
}

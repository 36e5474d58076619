import { NextResponse } from 'next/server';
import { adminOrForbidden } from '@/lib/server/admin-guard';
import { countImportRejects, getImport, listImportRejects } from '@/lib/server/data/imports';
import { AppError } from '@/lib/server/errors';
import { REJECTS_CSV_HEADER, rejectsCsv, rejectsCsvRows } from '@/lib/validation/rejects-csv';

const PAGE = 5_000;

/**
 * GET: every rejected row of a dry run or reload as CSV (file, line, reason), streamed page by page from the stored
 * rows; a job from before they were stored gives the rows its report lists. When more rows were rejected than
 * CATALOGUE_MAX_REJECT_ROWS kept, a last line says how many are missing.
 */
export async function GET(_req: Request, ctx: { params: Promise<{ importId: string }> }) {
  const admin = await adminOrForbidden();
  if (admin instanceof NextResponse) return admin;
  const id = Number((await ctx.params).importId);
  if (!Number.isInteger(id) || id <= 0 || id > 2 ** 31 - 1)
    return NextResponse.json({ error: 'Unknown job.' }, { status: 404 });
  let body: string | ReadableStream<Uint8Array>;
  try {
    const job = await getImport(id);
    const stored = await countImportRejects(id);
    const rejected = typeof job.report?.rejected === 'number' ? job.report.rejected : stored;
    const missing = Math.max(0, rejected - stored);
    if (stored === 0) {
      const issues = Array.isArray(job.report?.issues)
        ? (job.report.issues as { file: string; line: number; message: string }[])
        : [];
      body = rejectsCsv(issues);
    } else {
      const encoder = new TextEncoder();
      let after = -1;
      let done = false;
      body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode(REJECTS_CSV_HEADER));
        },
        async pull(controller) {
          if (done) return;
          const page = await listImportRejects(id, after, PAGE);
          if (page.length > 0) {
            after = page[page.length - 1].seq;
            controller.enqueue(encoder.encode(rejectsCsvRows(page)));
          }
          if (page.length < PAGE) {
            done = true;
            if (missing > 0)
              controller.enqueue(
                encoder.encode(
                  rejectsCsvRows([
                    {
                      file: '',
                      line: 0,
                      message: `${missing} more rejected rows not listed (CATALOGUE_MAX_REJECT_ROWS)`,
                    },
                  ]),
                ),
              );
            controller.close();
          }
        },
      });
    }
  } catch (err) {
    if (err instanceof AppError && err.code === 'NOT_FOUND')
      return NextResponse.json({ error: err.message }, { status: 404 });
    throw err;
  }
  return new NextResponse(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="catalogue-${id}-rejected-rows.csv"`,
      'cache-control': 'no-store',
    },
  });
}

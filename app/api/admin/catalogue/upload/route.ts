import { NextResponse, type NextRequest } from 'next/server';
import { adminOrForbidden } from '@/lib/server/admin-guard';
import { AppError } from '@/lib/server/errors';
import {
  layoutPath,
  MAX_UPLOAD_BYTES,
  newUploadId,
  streamToFile,
  uploadDir,
  UPLOAD_ROOT,
} from '@/lib/server/services/catalogue-sources';
import { join } from 'node:path';

/**
 * PUT /api/admin/catalogue/upload?name=movies.csv[&uploadId=…]: one catalogue file (or one zip) as the raw request
 * body, streamed to disk with a size limit. The first file of a set has no uploadId; the answer gives the one to
 * send with the others and with the dry run.
 */
export async function PUT(req: NextRequest) {
  const admin = await adminOrForbidden();
  if (admin instanceof NextResponse) return admin;
  const name = req.nextUrl.searchParams.get('name') ?? '';
  const uploadId = req.nextUrl.searchParams.get('uploadId') || newUploadId();
  try {
    const root = uploadDir(uploadId);
    const target = layoutPath(root, name) ?? join(root, `upload-${Date.now()}.zip`);
    const declared = Number(req.headers.get('content-length') ?? 0);
    if (declared > MAX_UPLOAD_BYTES) {
      return NextResponse.json(
        { error: `${name} is larger than the ${MAX_UPLOAD_BYTES / 1024 / 1024} MB limit.` },
        { status: 413 },
      );
    }
    if (!req.body) return NextResponse.json({ error: `${name} is empty.` }, { status: 400 });
    const { bytes } = await streamToFile(req.body, target, MAX_UPLOAD_BYTES);
    if (bytes === 0) return NextResponse.json({ error: `${name} is empty.` }, { status: 400 });
    return NextResponse.json({ uploadId, name, bytes }, { headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    if (err instanceof AppError) {
      return NextResponse.json({ error: err.message }, { status: /larger than/.test(err.message) ? 413 : 400 });
    }
    console.error(`[upload] ${name} into ${UPLOAD_ROOT}/${uploadId} failed`, err);
    throw err;
  }
}

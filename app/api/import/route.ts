import { NextResponse } from 'next/server';
import { getCurrentUser } from '@/lib/server/auth';
import { AppError } from '@/lib/server/errors';
import { previewHistoryImport } from '@/lib/server/services/history-import';
import { MAX_UPLOAD_BYTES } from '@/lib/import/types';

/**
 * POST /api/import — multipart upload of a history export (field "file"). Parses and matches it, stores the preview
 * and answers { ok: true, importId }; nothing of the member's data changes until they confirm the preview. An upload
 * rather than a server action because exports are larger than a server action's body limit.
 */
export async function POST(req: Request) {
  const user = await getCurrentUser();
  if (!user) return NextResponse.json({ ok: false, error: 'Please sign in first.' }, { status: 401 });
  const declared = Number(req.headers.get('content-length') ?? 0);
  if (declared > MAX_UPLOAD_BYTES + 64 * 1024) return tooLarge(declared);
  let form: FormData;
  try {
    form = await req.formData();
  } catch {
    return NextResponse.json({ ok: false, error: 'Choose a file to upload.' }, { status: 400 });
  }
  const file = form.get('file');
  if (!(file instanceof File) || file.size === 0)
    return NextResponse.json({ ok: false, error: 'Choose a file to upload.' }, { status: 400 });
  if (file.size > MAX_UPLOAD_BYTES) return tooLarge(file.size);
  try {
    const importId = await previewHistoryImport(
      user.id,
      file.name || 'upload.csv',
      new Uint8Array(await file.arrayBuffer()),
    );
    return NextResponse.json({ ok: true, importId });
  } catch (err) {
    if (err instanceof AppError) return NextResponse.json({ ok: false, error: err.message }, { status: 400 });
    throw err;
  }
}

function tooLarge(bytes: number) {
  return NextResponse.json(
    {
      ok: false,
      error: `That file is ${(bytes / 1024 / 1024).toFixed(1)} MB; the limit is ${MAX_UPLOAD_BYTES / 1024 / 1024} MB. Upload the CSV files you need one by one.`,
    },
    { status: 413 },
  );
}

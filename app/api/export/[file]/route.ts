import type { NextRequest } from 'next/server';
import { getCurrentUser } from '@/lib/server/auth';
import {
  exportLetterboxdCsv,
  exportLetterboxdZip,
  exportListCsv,
  exportMemberJson,
} from '@/lib/server/services/history-export';

const CSV_FILES = {
  'ratings.csv': 'ratings',
  'watchlist.csv': 'watchlist',
  'diary.csv': 'diary',
  'likes.csv': 'likes',
} as const;

function download(body: BodyInit, type: string, name: string): Response {
  return new Response(body, {
    headers: {
      'content-type': type,
      'content-disposition': `attachment; filename="${name}"`,
      'cache-control': 'private, no-store',
    },
  });
}

/**
 * GET /api/export/<file> — the signed-in member's data: letterboxd.zip (every file below), ratings.csv,
 * watchlist.csv, diary.csv, likes.csv (Letterboxd's formats), list-<id>.csv (one list) or reel.json (everything).
 */
export async function GET(req: NextRequest, { params }: { params: Promise<{ file: string }> }) {
  const user = await getCurrentUser();
  if (!user) return Response.json({ error: 'Please sign in first.' }, { status: 401 });
  const { file } = await params;
  const origin = req.nextUrl.origin;
  const stamp = new Date().toISOString().slice(0, 10);
  if (file === 'letterboxd.zip')
    return download(
      (await exportLetterboxdZip(user.id, origin)) as Uint8Array<ArrayBuffer>,
      'application/zip',
      `reel-export-${stamp}.zip`,
    );
  if (file === 'reel.json')
    return download(await exportMemberJson(user.id), 'application/json; charset=utf-8', `reel-${stamp}.json`);
  if (file in CSV_FILES) {
    const text = await exportLetterboxdCsv(user.id, origin, CSV_FILES[file as keyof typeof CSV_FILES]);
    return download(text, 'text/csv; charset=utf-8', file);
  }
  const list = /^list-(\d+)\.csv$/.exec(file);
  if (list) {
    const found = await exportListCsv(user.id, origin, Number(list[1]));
    if (found) return download(found.text, 'text/csv; charset=utf-8', `${found.name}.csv`);
  }
  return Response.json({ error: 'No such export.' }, { status: 404 });
}

import { NextResponse } from 'next/server';
import { MovieId } from '@/lib/validation/movies';
import { getPosterInfo } from '@/lib/server/data/posters';
import { env } from '@/lib/env';
import { NotFoundError } from '@/lib/server/errors';
import { withHttpErrors } from '@/lib/server/http-errors';
import { placeholderPosterSvg } from '@/lib/server/services/poster-placeholder';

export const GET = withHttpErrors(async (_req: Request, ctx: { params: Promise<{ movieId: string }> }) => {
  const id = MovieId.safeParse((await ctx.params).movieId);
  const info = id.success ? await getPosterInfo(id.data) : null;
  if (!id.success || !info) throw new NotFoundError('Unknown movie.');
  if (env.POSTER_BASE_URL && info.posterPath) {
    return NextResponse.redirect(`${env.POSTER_BASE_URL.replace(/\/$/, '')}${info.posterPath}`, 302);
  }
  return new NextResponse(placeholderPosterSvg(id.data, info.title, info.year, info.genres), {
    headers: { 'content-type': 'image/svg+xml; charset=utf-8', 'cache-control': 'public, max-age=86400' },
  });
});

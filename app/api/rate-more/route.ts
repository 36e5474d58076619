import { NextResponse, type NextRequest } from 'next/server';
import { getCurrentUser } from '@/lib/server/auth';
import { nextRateBatch } from '@/lib/server/services/rate-more';
import { RateMoreQuery } from '@/lib/validation/rate-more';

/** GET /api/rate-more?decades=1990,2000&exclude=1,2&n=12 → { movies: MovieCard[] }: the next films to rate. */
export async function GET(req: NextRequest) {
  const user = await getCurrentUser();
  if (!user) return NextResponse.json({ error: 'Please sign in first.' }, { status: 401 });
  const sp = req.nextUrl.searchParams;
  const q = RateMoreQuery.parse({
    decades: sp.get('decades') ?? '',
    exclude: sp.get('exclude') ?? '',
    n: sp.get('n') ?? undefined,
  });
  const movies = await nextRateBatch(user, q);
  return NextResponse.json({ movies }, { headers: { 'cache-control': 'no-store' } });
}

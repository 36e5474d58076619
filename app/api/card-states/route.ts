import { NextResponse, type NextRequest } from 'next/server';
import { getCurrentUser } from '@/lib/server/auth';
import { getCardStates } from '@/lib/server/data/card-states';
import { CardStatesQuery } from '@/lib/validation/card-state';

/** GET /api/card-states?ids=1,2,3 → { [movieId]: CardState } for the signed-in member (cards loaded by the client). */
export async function GET(req: NextRequest) {
  const user = await getCurrentUser();
  if (!user) return NextResponse.json({ error: 'Please sign in first.' }, { status: 401 });
  const parsed = CardStatesQuery.safeParse({ ids: req.nextUrl.searchParams.get('ids') ?? '' });
  if (!parsed.success)
    return NextResponse.json({ error: 'ids must be up to 100 movie ids, comma-separated.' }, { status: 400 });
  return NextResponse.json(await getCardStates(user.id, parsed.data.ids), { headers: { 'cache-control': 'no-store' } });
}

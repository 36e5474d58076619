import { searchCatalogue } from '@/lib/server/data/search';
import { withHttpErrors } from '@/lib/server/http-errors';
import { SearchQuery } from '@/lib/validation/search';

/**
 * GET /api/people?q=villneuve → { people: PersonHit[] }: the Browse person field's suggestions, from the same
 * typo-tolerant search as the nav's search box. Public like Browse itself; a short private cache absorbs retyping.
 */
export const GET = withHttpErrors(async (req: Request) => {
  const { q } = SearchQuery.parse({ q: new URL(req.url).searchParams.get('q') ?? '' });
  const { people } = await searchCatalogue(q, { movies: 0, people: 8 });
  return Response.json({ people }, { headers: { 'cache-control': 'private, max-age=60' } });
});

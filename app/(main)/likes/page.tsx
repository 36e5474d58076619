import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/server/auth';
import { listLikes } from '@/lib/server/data/likes';
import { getMovieCards } from '@/lib/server/data/movies';
import { PageParam } from '@/lib/validation/history';
import { MovieCard } from '@/components/movie-card';
import { HistoryNav, PagerLinks } from '@/components/history-nav';

export const metadata = { title: 'Likes' };

const PAGE_SIZE = 24;

type SP = Promise<Record<string, string | string[] | undefined>>;

export default async function LikesPage({ searchParams }: { searchParams: SP }) {
  const user = await getCurrentUser();
  if (!user) redirect('/sign-in?callbackUrl=/likes');
  const page = PageParam.parse((await searchParams).page);
  const { movieIds, total } = await listLikes(user.id, { page, pageSize: PAGE_SIZE });
  const cards = await getMovieCards(movieIds);
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Likes</h1>
          <p className="muted">
            {total === 0 ? 'Films you loved.' : `${total} film${total === 1 ? '' : 's'} you loved, newest first.`}
          </p>
        </div>
      </div>
      <HistoryNav current="/likes" />
      {cards.length === 0 ? (
        <div className="empty">
          No likes yet. Press the heart on a movie you loved: it counts toward your For You picks.{' '}
          <Link href="/movies">Browse movies</Link>
        </div>
      ) : (
        <div className="grid" data-testid="likes">
          {cards.map((m) => (
            <MovieCard key={m.id} {...m} liked />
          ))}
        </div>
      )}
      <PagerLinks page={page} pageCount={Math.max(1, Math.ceil(total / PAGE_SIZE))} href={(p) => `/likes?page=${p}`} />
    </>
  );
}

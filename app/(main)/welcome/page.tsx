import Link from 'next/link';
import { redirect } from 'next/navigation';
import { RateMoreList } from '@/components/rate-more-list';
import { getCurrentUser } from '@/lib/server/auth';
import { listGenres } from '@/lib/server/data/movies';
import { getFavouriteGenres } from '@/lib/server/data/preferences';
import { nextRateBatch } from '@/lib/server/services/rate-more';
import { NOT_A_TASTE } from '@/lib/validation/rate-more';
import { GenrePicker } from './genre-picker';

export const metadata = { title: 'Welcome' };

/** Cold-start onboarding: favourite genres, then the rate-more picker's first dozen (leaning to those genres). */
export default async function WelcomePage() {
  const user = await getCurrentUser();
  if (!user) redirect('/sign-in?callbackUrl=/welcome');
  const [allGenres, favourites] = await Promise.all([listGenres(), getFavouriteGenres(user.id)]);
  const genres = allGenres.filter((g) => !NOT_A_TASTE.has(g));
  const movies = await nextRateBatch(user, { decades: [], exclude: [], n: 12 });
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Welcome{user.name ? `, ${user.name}` : ''}</h1>
          <p className="muted">Two quick steps and your For You list starts to fit you. Both are optional.</p>
        </div>
        <Link className="btn" href="/for-you" data-testid="welcome-done">
          Show my picks →
        </Link>
      </div>
      <section className="detail-section">
        <h2>1 · Genres you enjoy</h2>
        <GenrePicker genres={genres} initial={favourites} />
      </section>
      <section className="detail-section">
        <h2>2 · Rate a few you have seen</h2>
        <p className="muted small">
          Skip any you have not seen. Every rating counts at once. <Link href="/rate">Rate more</Link> any time.
        </p>
        <RateMoreList key={favourites.join(',')} initial={movies} decades={[]} testId="onboarding-movies" />
      </section>
    </>
  );
}

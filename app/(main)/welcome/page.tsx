import Link from 'next/link';
import { redirect } from 'next/navigation';
import { MovieCard } from '@/components/movie-card';
import { RatingStars } from '@/components/rating-stars';
import { getCurrentUser } from '@/lib/server/auth';
import { listGenres } from '@/lib/server/data/movies';
import { getFavouriteGenres, listOnboardingMovies } from '@/lib/server/data/preferences';
import { ratingsFor } from '@/lib/server/data/ratings';
import { clearRatingAction, rateMovieAction } from '../movies/[movieId]/actions';
import { GenrePicker } from './genre-picker';

export const metadata = { title: 'Welcome' };

/** Cold-start onboarding: favourite genres, then a dozen well-known, diverse titles to rate. */
export default async function WelcomePage() {
  const user = await getCurrentUser();
  if (!user) redirect('/sign-in?callbackUrl=/welcome');
  const [genres, favourites] = await Promise.all([listGenres(), getFavouriteGenres(user.id)]);
  const movies = await listOnboardingMovies(12, favourites);
  const mine = await ratingsFor(
    user.id,
    movies.map((m) => m.id),
  );
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
        <p className="muted small">Skip any you have not seen. Every rating counts at once.</p>
        <div className="grid" data-testid="onboarding-movies">
          {movies.map((m) => (
            <MovieCard key={m.id} {...m} ratingMean={null}>
              <RatingStars
                movieId={m.id}
                title={m.title}
                initial={mine.get(m.id) ?? null}
                rate={rateMovieAction}
                clear={clearRatingAction}
              />
            </MovieCard>
          ))}
        </div>
      </section>
    </>
  );
}

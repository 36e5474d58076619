import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/server/auth';
import { listMovies } from '@/lib/server/data/movies';
import { MovieCard } from '@/components/movie-card';

export default async function HomePage() {
  if (await getCurrentUser()) redirect('/for-you');
  const thisYear = new Date().getFullYear();
  const [popular, wellRated] = await Promise.all([
    listMovies({ page: 1, sort: 'popular' }),
    // "Well rated" needs enough ratings to mean something; the catalogue's newest decades come first.
    listMovies({ page: 1, sort: 'top', minRatings: 30, yearFrom: thisYear - 40 }),
  ]);
  return (
    <>
      <section className="hero">
        <h1>Movies picked for you, with a reason for each.</h1>
        <p>
          Reel is a free movie recommender. Rate the films you have seen in half stars, and your For You list learns
          your taste: every pick says why it is there, and what Reel thinks you would rate it. Keep a watchlist, hide
          what you don&apos;t want, and look up any actor or director.
        </p>
        <div className="actions-row">
          <Link className="btn btn-primary" href="/sign-up">
            Create a free account
          </Link>
          <Link className="btn" href="/movies">
            Browse the catalogue
          </Link>
        </div>
      </section>
      <section aria-labelledby="popular-h">
        <h2 id="popular-h">Most rated on Reel</h2>
        <p className="muted small">By number of ratings, all time.</p>
        <div className="grid" data-testid="home-popular">
          {popular.movies.slice(0, 12).map((m) => (
            <MovieCard key={m.id} {...m} />
          ))}
        </div>
      </section>
      <section aria-labelledby="top-h" style={{ marginTop: 36 }}>
        <h2 id="top-h">Best rated since {thisYear - 40}</h2>
        <p className="muted small">Highest average rating among films with at least 30 ratings.</p>
        <div className="grid" data-testid="home-top">
          {wellRated.movies.slice(0, 12).map((m) => (
            <MovieCard key={m.id} {...m} />
          ))}
        </div>
      </section>
    </>
  );
}

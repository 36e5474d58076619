import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/server/auth';
import { listMovies } from '@/lib/server/data/movies';
import { MovieCard } from '@/components/movie-card';

export default async function HomePage() {
  if (await getCurrentUser()) redirect('/for-you');
  const { movies } = await listMovies({ page: 1, sort: 'popular' });
  return (
    <>
      <section className="hero">
        <h1>Movies picked for you, with a reason for each.</h1>
        <p>Rate what you have seen, in half stars. Reel learns your taste and tells you why each pick is there.</p>
        <div className="actions-row">
          <Link className="btn btn-primary" href="/sign-up">
            Create a free account
          </Link>
          <Link className="btn" href="/movies">
            Browse the catalogue
          </Link>
        </div>
      </section>
      <h2>Most rated right now</h2>
      <div className="grid">
        {movies.slice(0, 12).map((m) => (
          <MovieCard key={m.id} {...m} />
        ))}
      </div>
    </>
  );
}

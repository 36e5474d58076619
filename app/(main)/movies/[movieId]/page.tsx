import Link from 'next/link';
import { notFound } from 'next/navigation';
import type { Metadata } from 'next';
import { MovieId } from '@/lib/validation/movies';
import { getMovie } from '@/lib/server/data/movies';
import { getCurrentUser } from '@/lib/server/auth';
import { getRating } from '@/lib/server/data/ratings';
import { isOnWatchlist } from '@/lib/server/data/watchlist';
import { isDismissed } from '@/lib/server/data/dismissals';
import { NotFoundError } from '@/lib/server/errors';
import { Poster } from '@/components/poster';
import { MovieActions } from './movie-actions';
import { MovieCard } from '@/components/movie-card';
import { getSimilarMovies } from '@/lib/server/services/similar-movies';
import { predictUserRating } from '@/lib/server/services/for-you';
import { listWatchesOfMovie } from '@/lib/server/data/watches';
import { isLiked } from '@/lib/server/data/likes';
import { LikeButton } from '@/components/like-button';
import { LogWatchDialog } from '@/components/log-watch-dialog';

type Props = { params: Promise<{ movieId: string }> };

async function load(raw: string) {
  const id = MovieId.safeParse(raw);
  if (!id.success) notFound();
  try {
    return await getMovie(id.data);
  } catch (err) {
    if (err instanceof NotFoundError) notFound();
    throw err;
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const movie = await load((await params).movieId);
  return { title: movie.year ? `${movie.title} (${movie.year})` : movie.title };
}

export default async function MoviePage({ params }: Props) {
  const movie = await load((await params).movieId);
  const user = await getCurrentUser();
  const [rating, onWatchlist, dismissed, similar, predicted, watches, liked] = await Promise.all([
    user ? getRating(user.id, movie.id) : null,
    user ? isOnWatchlist(user.id, movie.id) : false,
    user ? isDismissed(user.id, movie.id) : false,
    getSimilarMovies(movie.id, 12),
    user ? predictUserRating(user.id, movie.id) : null,
    user ? listWatchesOfMovie(user.id, movie.id) : [],
    user ? isLiked(user.id, movie.id) : false,
  ]);
  return (
    <>
      <div className="detail">
        <div className="card-poster">
          <Poster movieId={movie.id} title={movie.title} />
        </div>
        <div>
          <h1>
            {movie.title} {movie.year && <span className="muted">({movie.year})</span>}
          </h1>
          <div className="detail-facts">
            {movie.runtime ? <span>{movie.runtime} min</span> : null}
            {movie.releaseDate && <span>Released {movie.releaseDate}</span>}
            {movie.originalLanguage && <span>Language: {movie.originalLanguage.toUpperCase()}</span>}
            {movie.ratingMean != null && (
              <span>
                ★ {movie.ratingMean.toFixed(2)} from {movie.ratingCount.toLocaleString('en')} ratings
              </span>
            )}
          </div>
          <div className="chips">
            {movie.genres.map((g) => (
              <Link key={g} className="chip chip-accent" href={`/movies?genre=${encodeURIComponent(g)}`}>
                {g}
              </Link>
            ))}
          </div>
          {user && predicted !== null && rating === null && (
            <p className="reason" data-testid="predicted-rating" style={{ marginTop: 14 }}>
              Reel predicts you would rate this ★ {predicted.toFixed(1)}
            </p>
          )}
          {user ? (
            <>
              <MovieActions
                movieId={movie.id}
                title={movie.title}
                rating={rating}
                onWatchlist={onWatchlist}
                dismissed={dismissed}
              />
              <div className="actions-row">
                <LikeButton movieId={movie.id} title={movie.title} initial={liked} />
              </div>
              <LogWatchDialog movieId={movie.id} title={movie.title} initialWatches={watches} />
            </>
          ) : (
            <p className="notice" style={{ marginTop: 18 }}>
              <Link href={`/sign-in?callbackUrl=/movies/${movie.id}`}>Sign in</Link> to rate this movie and get picks
              like it.
            </p>
          )}
          <div className="detail-section">
            <h2>Plot</h2>
            <p>{movie.overview ?? <span className="muted">No plot summary yet.</span>}</p>
          </div>
          <div className="detail-section">
            <h2>Director</h2>
            <p data-testid="directors">
              {movie.directors.map((d) => d.name).join(', ') || <span className="muted">Unknown</span>}
            </p>
          </div>
          <div className="detail-section">
            <h2>Cast</h2>
            <p data-testid="cast">
              {movie.cast.length ? (
                movie.cast.map((c) => (c.character ? `${c.name} (${c.character})` : c.name)).join(', ')
              ) : (
                <span className="muted">Unknown</span>
              )}
            </p>
          </div>
          {movie.keywords.length > 0 && (
            <div className="detail-section">
              <h2>Keywords</h2>
              <div className="chips">
                {movie.keywords.slice(0, 24).map((k) => (
                  <span key={k} className="chip">
                    {k}
                  </span>
                ))}
              </div>
            </div>
          )}
          {movie.tags.length > 0 && (
            <div className="detail-section">
              <h2>Viewers&apos; tags</h2>
              <div className="chips">
                {movie.tags.map((t) => (
                  <span key={t} className="chip">
                    {t}
                  </span>
                ))}
              </div>
            </div>
          )}
        </div>
      </div>
      {similar.length > 0 && (
        <section className="detail-section" style={{ marginTop: 40 }}>
          <h2>More like this</h2>
          <div className="grid" data-testid="similar">
            {similar.map((m) => (
              <MovieCard key={m.id} {...m} />
            ))}
          </div>
        </section>
      )}
    </>
  );
}

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
import { MovieGrid } from '@/components/movie-grid';
import { getCardStates } from '@/lib/server/data/card-states';
import { getSimilarMovies } from '@/lib/server/services/similar-movies';
import { predictUserRating } from '@/lib/server/services/for-you';
import { listWatchesOfMovie } from '@/lib/server/data/watches';
import { isLiked } from '@/lib/server/data/likes';
import { LikeButton } from '@/components/like-button';
import { LogWatchDialog } from '@/components/log-watch-dialog';

type Props = { params: Promise<{ movieId: string }> };

const languageNames = new Intl.DisplayNames(['en'], { type: 'language' });
function languageName(code: string): string {
  try {
    return languageNames.of(code) ?? code.toUpperCase();
  } catch (err) {
    // An invalid code in the catalogue (RangeError) shows as it is rather than breaking the page.
    if (err instanceof RangeError) return code.toUpperCase();
    throw err;
  }
}

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
  const title = movie.year ? `${movie.title} (${movie.year})` : movie.title;
  const description = movie.overview ?? `${title} on Reel: ratings, cast and similar movies.`;
  return {
    title,
    description,
    openGraph: {
      type: 'video.movie',
      title,
      description,
      siteName: 'Reel',
      images: [{ url: `/api/posters/${movie.id}`, width: 342, height: 513, alt: `Poster: ${movie.title}` }],
    },
    twitter: { card: 'summary', title, description },
  };
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
          {movie.originalTitle && (
            <p className="muted" data-testid="original-title">
              Original title: <i lang={movie.originalLanguage ?? undefined}>{movie.originalTitle}</i>
            </p>
          )}
          {movie.alsoKnownAs.length > 0 && (
            <p className="muted" data-testid="also-known-as">
              Also known as <i>{movie.alsoKnownAs.join(' · ')}</i>
            </p>
          )}
          <div className="detail-facts">
            {movie.runtime ? <span>{movie.runtime} min</span> : null}
            {movie.releaseDate && <span>Released {movie.releaseDate}</span>}
            {movie.originalLanguage && <span>Language: {languageName(movie.originalLanguage)}</span>}
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
            <h2>{movie.directors.length > 1 ? 'Directors' : 'Director'}</h2>
            <p data-testid="directors">
              {movie.directors.length ? (
                movie.directors.map((d, i) => (
                  <span key={d.id}>
                    {i > 0 && ', '}
                    <Link className="person-link" href={`/people/${d.id}`}>
                      {d.name}
                    </Link>
                  </span>
                ))
              ) : (
                <span className="muted">Unknown</span>
              )}
            </p>
          </div>
          <div className="detail-section">
            <h2>Cast</h2>
            <p data-testid="cast">
              {movie.cast.length ? (
                movie.cast.map((c, i) => (
                  <span key={`${c.id}-${i}`}>
                    {i > 0 && ', '}
                    <Link className="person-link" href={`/people/${c.id}`}>
                      {c.name}
                    </Link>
                    {c.character && <span className="muted"> ({c.character})</span>}
                  </span>
                ))
              ) : (
                <span className="muted">Unknown</span>
              )}
            </p>
          </div>
          {(movie.imdbId || movie.tmdbId) && (
            <div className="detail-section">
              <h2>Elsewhere</h2>
              <p className="external-links" data-testid="external-links">
                {movie.imdbId && (
                  <a
                    className="btn"
                    href={`https://www.imdb.com/title/${/^tt/.test(movie.imdbId) ? movie.imdbId : `tt${movie.imdbId.padStart(7, '0')}`}/`}
                    rel="noopener noreferrer"
                    target="_blank"
                  >
                    IMDb ↗
                  </a>
                )}
                {movie.tmdbId && (
                  <a
                    className="btn"
                    href={`https://www.themoviedb.org/movie/${movie.tmdbId}`}
                    rel="noopener noreferrer"
                    target="_blank"
                  >
                    TMDB ↗
                  </a>
                )}
              </p>
            </div>
          )}
          {movie.keywords.length > 0 && (
            <div className="detail-section">
              <h2>Keywords</h2>
              <div className="chips" data-testid="keywords">
                {movie.keywords.slice(0, 24).map((k) => (
                  <Link
                    key={k}
                    className="chip"
                    href={`/movies?keyword=${encodeURIComponent(k)}`}
                    aria-label={`Browse movies with the keyword ${k}`}
                  >
                    {k}
                  </Link>
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
          <MovieGrid
            testId="similar"
            movies={similar}
            states={
              user
                ? await getCardStates(
                    user.id,
                    similar.map((m) => m.id),
                  )
                : null
            }
            signedIn={!!user}
          />
        </section>
      )}
    </>
  );
}

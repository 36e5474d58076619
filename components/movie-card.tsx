import Link from 'next/link';
import type { ReactNode } from 'react';
import { Poster } from './poster';
import { LikeButton } from './like-button';
import { plural } from '@/lib/ui/plural';

export interface MovieCardProps {
  id: number;
  title: string;
  year: number | null;
  genres: string[];
  ratingMean?: number | null;
  ratingCount?: number;
  /** For You extras. */
  predicted?: number | null;
  reason?: string | null;
  userRating?: number | null;
  /** Whether the signed-in member likes it: shows the heart (left out for visitors). */
  liked?: boolean;
  /** Extra content under the card's facts (e.g. a rating widget on the onboarding page). */
  children?: ReactNode;
}

export function MovieCard(m: MovieCardProps) {
  return (
    <article
      className="card"
      data-testid="movie-card"
      data-movie-id={m.id}
      data-year={m.year ?? undefined}
      data-genres={m.genres.join('|')}
    >
      <Link href={`/movies/${m.id}`} className="card-poster">
        <Poster movieId={m.id} title={m.title} />
      </Link>
      <Link href={`/movies/${m.id}`} className="card-title">
        {m.title}
      </Link>
      <div className="card-meta">
        {m.year ?? '—'} · {m.genres.slice(0, 2).join(', ') || 'Uncategorised'}
      </div>
      {m.reason && <div className="reason">{m.reason}</div>}
      {m.predicted != null && (
        <div className="predicted" title="Reel's guess of the rating you would give it">
          Your likely rating ★ {m.predicted.toFixed(1)}
        </div>
      )}
      {m.userRating != null && <div className="predicted">You rated ★ {m.userRating.toFixed(1)}</div>}
      {m.predicted == null && m.userRating == null && m.ratingMean != null && (
        <div className="card-meta">
          ★ {m.ratingMean.toFixed(1)} average · {plural(m.ratingCount ?? 0, 'rating')}
        </div>
      )}
      {m.liked !== undefined && <LikeButton movieId={m.id} title={m.title} initial={m.liked} compact />}
      {m.children}
    </article>
  );
}

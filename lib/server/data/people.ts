import 'server-only';
import { db } from '../db';
import { NotFoundError } from '../errors';
import { getMovieCards, type MovieCard } from './movies';

export interface PersonCredit {
  movie: MovieCard;
  /** "Director", "Screenplay"…, or "Actor"/"Actress" style: the character for cast credits. */
  roles: string[];
  isDirector: boolean;
  isCast: boolean;
}

export interface PersonDetail {
  id: number;
  name: string;
  /** Their most-rated films (the ones people know them for). */
  knownFor: MovieCard[];
  /** Every film of theirs in the catalogue, newest first (undated last). */
  filmography: PersonCredit[];
  /** "Director", "Actor", or both, by what most of their credits are. */
  departments: string[];
}

export async function getPerson(id: number): Promise<PersonDetail> {
  const person = await db.person.findUnique({
    where: { id },
    select: { id: true, name: true, credits: { select: { movieId: true, kind: true, job: true, character: true } } },
  });
  if (!person) throw new NotFoundError('That person is not in the catalogue.');
  const byMovie = new Map<number, { roles: string[]; isDirector: boolean; isCast: boolean }>();
  for (const c of person.credits) {
    const entry = byMovie.get(c.movieId) ?? { roles: [], isDirector: false, isCast: false };
    if (c.kind === 'CAST') {
      entry.isCast = true;
      if (c.character) entry.roles.push(c.character);
    } else {
      if (c.job === 'Director') entry.isDirector = true;
      if (c.job && !entry.roles.includes(c.job)) entry.roles.push(c.job);
    }
    byMovie.set(c.movieId, entry);
  }
  const cards = await getMovieCards([...byMovie.keys()]);
  const filmography = cards
    .map((movie) => ({ movie, ...byMovie.get(movie.id)! }))
    .sort((a, b) => (b.movie.year ?? -Infinity) - (a.movie.year ?? -Infinity) || a.movie.title.localeCompare(b.movie.title));
  const knownFor = [...cards].sort((a, b) => b.ratingCount - a.ratingCount || a.id - b.id).slice(0, 4);
  const directed = filmography.filter((f) => f.isDirector).length;
  const acted = filmography.filter((f) => f.isCast).length;
  const departments = [
    ...(directed > 0 ? [{ name: 'Director', n: directed }] : []),
    ...(acted > 0 ? [{ name: 'Actor', n: acted }] : []),
  ]
    .sort((a, b) => b.n - a.n)
    .map((d) => d.name);
  return { id: person.id, name: person.name, knownFor, filmography, departments };
}

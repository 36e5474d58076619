import Link from 'next/link';
import { notFound } from 'next/navigation';
import type { Metadata } from 'next';
import { z } from 'zod';
import { getPerson } from '@/lib/server/data/people';
import { getCurrentUser } from '@/lib/server/auth';
import { getCardStates } from '@/lib/server/data/card-states';
import { predictRatingsFor } from '@/lib/server/services/predictions';
import { NotFoundError } from '@/lib/server/errors';
import { MovieGrid } from '@/components/movie-grid';
import { plural } from '@/lib/ui/plural';

type Props = { params: Promise<{ personId: string }> };
const PersonId = z.coerce.number().int().positive();

async function load(raw: string) {
  const id = PersonId.safeParse(raw);
  if (!id.success) notFound();
  try {
    return await getPerson(id.data);
  } catch (err) {
    if (err instanceof NotFoundError) notFound();
    throw err;
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const person = await load((await params).personId);
  return { title: person.name, description: `${person.name}: ${plural(person.filmography.length, 'film')} on Reel.` };
}

export default async function PersonPage({ params }: Props) {
  const person = await load((await params).personId);
  const user = await getCurrentUser();
  const ids = person.filmography.map((f) => f.movie.id);
  const [states, predicted] = user
    ? await Promise.all([getCardStates(user.id, ids), predictRatingsFor(user.id, ids)])
    : [null, new Map<number, number>()];
  const mine = states ? ids.flatMap((id) => (states[id]?.rating != null ? [states[id].rating!] : [])) : [];
  const average = mine.length ? mine.reduce((a, b) => a + b, 0) / mine.length : null;
  return (
    <>
      <div className="page-head">
        <div>
          <h1 data-testid="person-name">{person.name}</h1>
          <p className="muted">
            {person.departments.join(' · ') || 'Crew'} ·{' '}
            <Link href={`/movies?person=${person.id}`}>Browse and filter their films</Link>
          </p>
        </div>
      </div>
      <div className="stat-row" data-testid="person-stats">
        <span>
          <strong>{plural(person.filmography.length, 'film')}</strong> in the catalogue
        </span>
        {user &&
          (average !== null ? (
            <span data-testid="person-average">
              You rated <strong>{plural(mine.length, 'film')}</strong> of theirs, on average{' '}
              <strong>★ {average.toFixed(1)}</strong>
            </span>
          ) : (
            <span data-testid="person-average">You have not rated any of their films yet.</span>
          ))}
      </div>
      {person.knownFor.length > 0 && (
        <section className="detail-section" aria-labelledby="known-for">
          <h2 id="known-for">Known for</h2>
          <MovieGrid movies={person.knownFor} states={states} signedIn={!!user} testId="known-for" />
        </section>
      )}
      <section className="detail-section" aria-labelledby="filmography-h">
        <h2 id="filmography-h">Filmography</h2>
        <div style={{ overflowX: 'auto' }}>
          <table className="filmography" data-testid="filmography">
            <thead>
              <tr>
                <th scope="col">Year</th>
                <th scope="col">Title</th>
                <th scope="col">Role</th>
                {user && <th scope="col">You</th>}
              </tr>
            </thead>
            <tbody>
              {person.filmography.map((f) => {
                const rating = states?.[f.movie.id]?.rating ?? null;
                const guess = predicted.get(f.movie.id);
                return (
                  <tr key={f.movie.id} data-movie-id={f.movie.id}>
                    <td className="num">{f.movie.year ?? '—'}</td>
                    <td>
                      <Link href={`/movies/${f.movie.id}`}>{f.movie.title}</Link>
                    </td>
                    <td className="muted">
                      {[f.isDirector ? 'Director' : null, ...f.roles.filter((r) => r !== 'Director')]
                        .filter(Boolean)
                        .slice(0, 3)
                        .join(', ') || (f.isCast ? 'Cast' : 'Crew')}
                    </td>
                    {user && (
                      <td className="num">
                        {rating !== null ? (
                          <span title="Your rating">★ {rating.toFixed(1)} yours</span>
                        ) : guess !== undefined ? (
                          <span className="muted" title="What Reel expects you would give it">
                            ~★ {guess.toFixed(1)} predicted
                          </span>
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}

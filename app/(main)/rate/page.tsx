import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/server/auth';
import { countRatings } from '@/lib/server/data/ratings';
import { getFavouriteGenres } from '@/lib/server/data/preferences';
import { nextRateBatch } from '@/lib/server/services/rate-more';
import { RATE_DECADES, RateMoreQuery } from '@/lib/validation/rate-more';
import { RateMoreList } from '@/components/rate-more-list';
import { plural } from '@/lib/ui/plural';

export const metadata = { title: 'Rate more' };

type SP = Promise<Record<string, string | string[] | undefined>>;

export default async function RateMorePage({ searchParams }: { searchParams: SP }) {
  const user = await getCurrentUser();
  if (!user) redirect('/sign-in?callbackUrl=/rate');
  const sp = await searchParams;
  const raw = sp.decades;
  const { decades } = RateMoreQuery.parse({ decades: Array.isArray(raw) ? raw.join(',') : (raw ?? '') });
  const [movies, nRatings, genres] = await Promise.all([
    nextRateBatch(user, { decades, exclude: [], n: 12 }),
    countRatings(user.id),
    getFavouriteGenres(user.id),
  ]);
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Rate more</h1>
          <p className="muted">
            Films you have probably seen, picked to learn your taste fast. Rate the ones you know; skip the rest.{' '}
            {nRatings > 0 && <>You have rated {plural(nRatings, 'movie')} so far.</>}
          </p>
        </div>
        <Link className="btn" href="/for-you">
          See my picks →
        </Link>
      </div>
      <form className="toolbar" action="/rate" aria-label="Decades you watch most">
        <fieldset className="chips decade-picker">
          <legend className="muted small">Decades you watch most (optional)</legend>
          {RATE_DECADES.map((d) => (
            <label key={d} className="chip decade-chip">
              <input type="checkbox" name="decades" value={d} defaultChecked={decades.includes(d)} /> {d}s
            </label>
          ))}
        </fieldset>
        <button className="btn" type="submit">
          Update
        </button>
        <span className="muted small">
          {genres.length ? `Leaning to your genres: ${genres.join(', ')}. ` : ''}
          <Link href="/welcome">{genres.length ? 'Change genres' : 'Pick favourite genres'}</Link>
        </span>
      </form>
      <RateMoreList
        key={`${decades.join(',')}|${genres.join(',')}`}
        initial={movies}
        decades={decades}
        testId="rate-more"
      />
    </>
  );
}

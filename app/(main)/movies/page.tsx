import Link from 'next/link';
import { redirect } from 'next/navigation';
import { GenreSelect } from '@/components/genre-select';
import { YearRange } from '@/components/year-range';
import { PersonFilter } from '@/components/person-filter';
import { BrowseQuery, browseYears } from '@/lib/validation/movies';
import {
  getMovieCards,
  getPersonName,
  listGenres,
  listLanguages,
  listMovieIdsMatching,
  listMovies,
  PAGE_SIZE,
} from '@/lib/server/data/movies';
import { getCurrentUser } from '@/lib/server/auth';
import { getCardStates } from '@/lib/server/data/card-states';
import { findPersonByName } from '@/lib/server/data/search';
import { foldForMatch } from '@/lib/search/rank';
import { predictRatingsFor } from '@/lib/server/services/predictions';
import { MovieGrid } from '@/components/movie-grid';
import { plural } from '@/lib/ui/plural';

export const metadata = { title: 'Browse movies' };

type SP = Promise<Record<string, string | string[] | undefined>>;

const DECADES = Array.from({ length: 2020 / 10 - 1900 / 10 + 1 }, (_, i) => 2020 - i * 10);
const SORTS: { value: BrowseQuery['sort']; label: string }[] = [
  { value: 'popular', label: 'Most rated (all time)' },
  { value: 'top', label: 'Highest average rating' },
  { value: 'foryou', label: 'Predicted for you' },
  { value: 'newest', label: 'Newest first' },
  { value: 'oldest', label: 'Oldest first' },
  { value: 'title', label: 'Title A–Z' },
];
const languageName = new Intl.DisplayNames(['en'], { type: 'language' });

function href(q: Partial<BrowseQuery>) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === '' || (k === 'sort' && v === 'popular') || (k === 'page' && v === 1)) continue;
    p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `/movies?${s}` : '/movies';
}

function one(v: string | string[] | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export default async function BrowsePage({ searchParams }: { searchParams: SP }) {
  const sp = await searchParams;
  // The title box moved to the nav's search (typo-tolerant, people too); old links keep working.
  if (one(sp.q)?.trim()) redirect(`/search?q=${encodeURIComponent(one(sp.q)!.trim())}`);
  const parsed = BrowseQuery.parse(Object.fromEntries(Object.entries(sp).map(([k, v]) => [k, one(v)])));
  const { query, personError } = await resolvePerson(parsed, 'personName' in sp);
  const user = await getCurrentUser();
  const sort = query.sort === 'foryou' && !user ? 'popular' : query.sort;
  const filters = { ...query, q: undefined, personName: undefined };
  const [genres, languages, personName, result] = await Promise.all([
    listGenres(),
    listLanguages(),
    query.person ? getPersonName(query.person) : null,
    sort === 'foryou' && user
      ? listForYou(user.id, filters, query.page)
      : listMovies({ ...filters, sort: sort === 'foryou' ? 'popular' : sort }),
  ]);
  const states = user
    ? await getCardStates(
        user.id,
        result.movies.map((m) => m.id),
      )
    : null;
  const { from, to } = browseYears(query);
  const described = [
    query.genre && `in ${query.genre}`,
    from !== undefined || to !== undefined ? `from ${from ?? '…'} to ${to ?? '…'}` : null,
    personName && `with ${personName}`,
    query.keyword && `about “${query.keyword}”`,
    query.language && `in ${languageName.of(query.language) ?? query.language}`,
    (query.runtimeMin || query.runtimeMax) && `${query.runtimeMin ?? 0}–${query.runtimeMax ?? '∞'} min`,
    query.minRatings && `rated at least ${plural(query.minRatings, 'time')}`,
  ].filter(Boolean);
  const hasFilters = described.length > 0;
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Browse movies</h1>
          <p className="muted" data-testid="browse-summary">
            {plural(result.total, 'movie')}
            {described.length ? ` ${described.join(', ')}` : ''}
          </p>
        </div>
      </div>
      <form className="toolbar" action="/movies" aria-label="Filter movies" data-testid="browse-filters">
        <GenreSelect genres={genres} value={query.genre} />
        <select className="input" name="decade" defaultValue={query.decade ?? ''} aria-label="Decade">
          <option value="">Any decade</option>
          {DECADES.map((d) => (
            <option key={d} value={d}>
              {d}s
            </option>
          ))}
        </select>
        <YearRange from={query.yearFrom} to={query.yearTo} />
        <select className="input" name="runtimeMax" defaultValue={query.runtimeMax ?? ''} aria-label="Length">
          <option value="">Any length</option>
          <option value="90">Up to 90 min</option>
          <option value="120">Up to 2 hours</option>
          <option value="150">Up to 2½ hours</option>
        </select>
        <select className="input" name="language" defaultValue={query.language ?? ''} aria-label="Original language">
          <option value="">Any language</option>
          {languages.map((l) => (
            <option key={l.code} value={l.code}>
              {languageName.of(l.code) ?? l.code}
            </option>
          ))}
        </select>
        <select
          className="input"
          name="minRatings"
          defaultValue={query.minRatings ?? ''}
          aria-label="Minimum number of ratings"
        >
          <option value="">Any number of ratings</option>
          <option value="10">10+ ratings</option>
          <option value="50">50+ ratings</option>
          <option value="100">100+ ratings</option>
        </select>
        <PersonFilter
          key={`${query.person ?? ''}|${parsed.personName ?? ''}`}
          initialName={personName ?? parsed.personName ?? ''}
          initialId={query.person}
          error={personError}
        />
        {query.keyword && <input type="hidden" name="keyword" value={query.keyword} />}
        <select className="input" name="sort" defaultValue={sort} aria-label="Sort by">
          {SORTS.filter((s) => s.value !== 'foryou' || user).map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
        <button className="btn btn-primary" type="submit">
          Apply
        </button>
        {hasFilters && (
          <Link className="btn btn-ghost" href="/movies">
            Clear filters
          </Link>
        )}
      </form>
      {personName && (
        <p className="chips" data-testid="person-filter">
          <span className="chip chip-accent">
            With <Link href={`/people/${query.person}`}>{personName}</Link>
          </span>
          <Link className="small" href={href({ ...query, person: undefined, page: 1 })}>
            Remove
          </Link>
        </p>
      )}
      {query.keyword && (
        <p className="chips" data-testid="keyword-filter">
          <span className="chip chip-accent">Keyword: {query.keyword}</span>
          <Link className="small" href={href({ ...query, sort, keyword: undefined, page: 1 })}>
            Remove<span className="sr-only"> the keyword filter</span>
          </Link>
        </p>
      )}
      {result.movies.length === 0 ? (
        <div className="empty" data-testid="browse-empty">
          {query.keyword && described.length === 1 ? (
            <>
              No movies have the keyword “{query.keyword}”. <Link href="/movies">Browse everything</Link> or search for
              it in the box above.
            </>
          ) : (
            <>
              No movies match these filters. <Link href="/movies">Clear them</Link> or widen the years.
            </>
          )}
        </div>
      ) : (
        <MovieGrid testId="browse" movies={result.movies} states={states} signedIn={!!user} />
      )}
      <nav className="pager" aria-label="Pages">
        {query.page > 1 && (
          <Link className="btn" href={href({ ...query, sort, page: query.page - 1 })} rel="prev">
            ← Previous
          </Link>
        )}
        <span className="muted">
          Page {Math.min(query.page, result.pageCount)} of {result.pageCount}
        </span>
        {query.page < result.pageCount && (
          <Link className="btn" href={href({ ...query, sort, page: query.page + 1 })} rel="next">
            Next →
          </Link>
        )}
      </nav>
    </>
  );
}

/**
 * The person filter from what the form sent: a `person` id (a person page's link, or a name picked from the field's
 * suggestions) or a typed name, looked up with the search box's typo-tolerant people search (best match wins). A
 * name that finds nobody leaves the person filter off and says so; a name cleared from the field drops the filter.
 */
async function resolvePerson(
  query: BrowseQuery,
  nameSent: boolean,
): Promise<{ query: BrowseQuery; personError?: string }> {
  const typed = query.personName;
  if (!typed) return { query: nameSent ? { ...query, person: undefined } : query };
  if (query.person !== undefined) {
    const current = await getPersonName(query.person);
    if (current && foldForMatch(current) === foldForMatch(typed)) return { query: { ...query, personName: undefined } };
  }
  const best = await findPersonByName(typed);
  if (!best) {
    return {
      query: { ...query, person: undefined },
      personError: `Nobody called “${typed}” is in the catalogue. Check the spelling or pick a name from the suggestions.`,
    };
  }
  return { query: { ...query, person: best.id, personName: undefined } };
}

/** Matching movies ordered by the member's predicted rating (the model scores every candidate; cheap per movie). */
async function listForYou(userId: number, filters: Parameters<typeof listMovieIdsMatching>[0], page: number) {
  const ids = await listMovieIdsMatching(filters);
  const predicted = await predictRatingsFor(userId, ids);
  const ordered = [...ids].sort((a, b) => (predicted.get(b) ?? -1) - (predicted.get(a) ?? -1));
  const movies = await getMovieCards(ordered.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE));
  return {
    movies: movies.map((m) => ({ ...m, predicted: predicted.get(m.id) ?? null })),
    total: ids.length,
    pageCount: Math.max(1, Math.ceil(ids.length / PAGE_SIZE)),
  };
}

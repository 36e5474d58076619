import type { ImportRow } from './types';

/** A catalogue movie as the matcher needs it (MovieLens form: "Matrix, The", year apart, imdbId "0133093"). */
export interface CatalogueMovie {
  id: number;
  title: string;
  year: number | null;
  imdbId: string | null;
  tmdbId: number | null;
}

export type MatchResult =
  | { status: 'matched'; movieId: number; by: 'id' | 'imdb' | 'tmdb' | 'title' | 'title±1' }
  | { status: 'ambiguous'; candidates: number[] }
  | { status: 'unmatched' };

const ARTICLES = ['the', 'a', 'an', 'la', 'le', 'les', 'il', 'el', 'los', 'las', 'der', 'die', 'das'];
const LEADING = new RegExp(`^(?:(?:${ARTICLES.join('|')})\\s+|l')`);
const TRAILING = new RegExp(`,\\s*(?:${ARTICLES.join('|')}|l')\\s*$`);
const FOLD: Record<string, string> = { æ: 'ae', œ: 'oe', ø: 'o', ß: 'ss', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i' };

/**
 * A title reduced to what two spellings of the same film share: case, diacritics, punctuation and "&"/"and" fold
 * away, and a leading or trailing article is dropped, so "The Passenger", "Passenger, The" and "passenger" agree.
 */
export function normalizeTitle(raw: string): string {
  let s = raw.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  s = s
    .replace(/[æœøßłđðþı]/g, (c) => FOLD[c])
    .replace(/[’‘`´]/g, "'")
    .trim();
  s = s.replace(TRAILING, '').replace(LEADING, '');
  s = s
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return s;
}

/** Every name a MovieLens title goes by: "City of Lost Children, The (Cité des enfants perdus, La)" has two. */
export function titleAliases(title: string): string[] {
  const names = new Set<string>([title]);
  let rest = title.trim();
  for (;;) {
    const m = /^(.*\S)\s*\(((?:a\.k\.a\.\s*)?[^()]+)\)$/.exec(rest);
    if (!m) break;
    names.add(m[1]);
    names.add(m[2].replace(/^a\.k\.a\.\s*/i, ''));
    rest = m[1];
  }
  return [...names];
}

export interface CatalogueIndex {
  byId: Map<number, CatalogueMovie>;
  byImdb: Map<number, number>;
  byTmdb: Map<number, number[]>;
  byTitle: Map<string, number[]>;
}

export function buildCatalogueIndex(movies: CatalogueMovie[]): CatalogueIndex {
  const index: CatalogueIndex = { byId: new Map(), byImdb: new Map(), byTmdb: new Map(), byTitle: new Map() };
  for (const m of movies) {
    index.byId.set(m.id, m);
    const imdb = m.imdbId ? Number(m.imdbId.replace(/^tt/, '')) : 0;
    if (imdb > 0 && !index.byImdb.has(imdb)) index.byImdb.set(imdb, m.id);
    if (m.tmdbId) index.byTmdb.set(m.tmdbId, [...(index.byTmdb.get(m.tmdbId) ?? []), m.id]);
    for (const name of titleAliases(m.title)) {
      const key = normalizeTitle(name);
      if (!key) continue;
      const ids = index.byTitle.get(key);
      if (!ids) index.byTitle.set(key, [m.id]);
      else if (!ids.includes(m.id)) ids.push(m.id);
    }
  }
  return index;
}

function pick(ids: number[], by: 'title' | 'title±1'): MatchResult {
  return ids.length === 1 ? { status: 'matched', movieId: ids[0], by } : { status: 'ambiguous', candidates: ids };
}

/**
 * Which catalogue movie a row means. Ids first and exactly (a catalogue id confirmed by its title, IMDb, TMDB);
 * then the normalised title with the same year, then year ± 1 (release years differ between sites by a year around
 * New Year and festivals), then — only when the file gives no year — the title alone. More than one candidate at
 * the first step that finds any is ambiguous: the member picks.
 */
export function matchRow(
  row: Pick<ImportRow, 'title' | 'year' | 'imdbId' | 'tmdbId' | 'movieId'>,
  index: CatalogueIndex,
): MatchResult {
  const key = normalizeTitle(row.title);
  if (row.movieId !== undefined) {
    const m = index.byId.get(row.movieId);
    // A MovieLens.org movie_id is a catalogue id; a URL id must also agree with the title (another site's ids).
    if (m && (!key || titleAliases(m.title).some((t) => normalizeTitle(t) === key)))
      return { status: 'matched', movieId: m.id, by: 'id' };
  }
  if (row.imdbId !== undefined) {
    const id = index.byImdb.get(row.imdbId);
    if (id !== undefined) return { status: 'matched', movieId: id, by: 'imdb' };
  }
  if (row.tmdbId !== undefined) {
    const ids = index.byTmdb.get(row.tmdbId);
    if (ids?.length === 1) return { status: 'matched', movieId: ids[0], by: 'tmdb' };
  }
  const same = index.byTitle.get(key) ?? [];
  if (same.length === 0) return { status: 'unmatched' };
  if (row.year === null) return pick(same, 'title');
  const exact = same.filter((id) => index.byId.get(id)!.year === row.year);
  if (exact.length) return pick(exact, 'title');
  const near = same.filter((id) => {
    const y = index.byId.get(id)!.year;
    return y !== null && Math.abs(y - row.year!) === 1;
  });
  if (near.length) return pick(near, 'title±1');
  // The catalogue has no year for it: the title alone decides.
  const yearless = same.filter((id) => index.byId.get(id)!.year === null);
  return yearless.length ? pick(yearless, 'title') : { status: 'unmatched' };
}

/** The main title without MovieLens' trailing alternate titles: "City of Lost Children, The (Cité…, La)" → "City of Lost Children, The". */
export function mainTitle(title: string): string {
  let rest = title.trim();
  for (;;) {
    const m = /^(.*\S)\s*\([^()]+\)$/.exec(rest);
    if (!m) return rest;
    rest = m[1];
  }
}

/** "Matrix, The" → "The Matrix": a catalogue title as people and Letterboxd write it (alternate titles dropped). */
export function letterboxdTitle(title: string): string {
  const main = mainTitle(title);
  const m = /^(.*), (The|A|An|La|Le|Les|Il|El|Los|Las|Der|Die|Das|L')$/.exec(main);
  if (!m) return main;
  return `${m[2]}${m[2].endsWith("'") ? '' : ' '}${m[1]}`;
}

// Search ranking, pure and client-safe so it can be unit-tested without a database: the database finds candidates by
// trigram similarity (lib/server/data/search.ts); this decides their order.
import { parseCatalogueTitle } from '@/lib/titles/display-title';

/** Lower case, accents and punctuation removed, spaces collapsed: "Amélie!" → "amelie". */
export function foldForMatch(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The forms a member might type for a catalogue title: as displayed, as catalogued, and each alternate title. */
export function titleForms(catalogueTitle: string): string[] {
  const parsed = parseCatalogueTitle(catalogueTitle);
  const main = catalogueTitle.replace(/\s*\(.*$/, '');
  return [parsed.title, main, ...parsed.alternates].map(foldForMatch);
}

export interface SearchCandidate {
  id: number;
  /** Catalogue form for movies ("Matrix, The"), the name for people. */
  text: string;
  /** Trigram similarity from the database, 0–1 (the better of whole-string and best-word-extent similarity). */
  similarity: number;
  /** How often it is seen: number of ratings of a movie, ratings of a person's films. */
  popularity: number;
}

/** A rating count this high counts as fully popular; the log scale keeps a few hundred ratings from burying a typo fix. */
const POPULAR_AT = 300;
/** How much popularity may outweigh similarity: a well-known film at 0.47 similarity beats an obscure one at 0.6. */
const POPULARITY_WEIGHT = 0.3;

/** A title that starts with the whole query gets a nudge, not a tier: "redemption" still finds Shawshank first. */
const PREFIX_BONUS = 0.1;

function popularityScore(n: number): number {
  return Math.min(1, Math.log1p(Math.max(0, n)) / Math.log1p(POPULAR_AT));
}

/**
 * Orders candidates: an exact match of the query (any title form, ignoring case, accents, punctuation and the
 * article's position) first, then similarity blended with popularity (plus a small nudge for a title that starts with
 * the query); ties by popularity, then id for a stable order.
 */
export function rankCandidates<T extends SearchCandidate>(
  query: string,
  candidates: T[],
  forms: (c: T) => string[],
): T[] {
  const q = foldForMatch(query);
  const keyed = candidates.map((c) => {
    const fs = forms(c);
    const exact = fs.includes(q) ? 1 : 0;
    const prefix = fs.some((f) => f.startsWith(`${q} `)) ? PREFIX_BONUS : 0;
    return { c, exact, score: c.similarity + prefix + POPULARITY_WEIGHT * popularityScore(c.popularity) };
  });
  keyed.sort((a, b) => b.exact - a.exact || b.score - a.score || b.c.popularity - a.c.popularity || a.c.id - b.c.id);
  return keyed.map((k) => k.c);
}

// Catalogue titles (MovieLens style) put a leading article at the end and add alternate titles in parentheses:
// "City of Lost Children, The (Cité des enfants perdus, La)". Members write "The City of Lost Children". Pure and
// client-safe: the data layer, pages and reasons all format titles with it, and search keeps the catalogue form.

/**
 * Articles that MovieLens moves to the end, for the languages in the catalogue (English, French, Italian, Spanish,
 * Portuguese, German, Dutch, Scandinavian). "L'" is written without a following space.
 */
const ARTICLES = [
  'The',
  'A',
  'An',
  'La',
  'Le',
  'Les',
  "L'",
  'Un',
  'Une',
  'Il',
  'Lo',
  'I',
  'Gli',
  'Uno',
  'Una',
  'El',
  'Los',
  'Las',
  'O',
  'Os',
  'As',
  'Der',
  'Die',
  'Das',
  'Ein',
  'Eine',
  'De',
  'Het',
  'Een',
  'Det',
  'Den',
  'En',
  'Ett',
  'Et',
  'Da',
];
const ARTICLE_SET = new Set(ARTICLES.map((a) => a.toLowerCase()));

/** "Shawshank Redemption, The" → "The Shawshank Redemption"; a title without a trailing article is unchanged. */
export function moveArticleToFront(title: string): string {
  const t = title.trim();
  // The article follows the last comma; what follows a colon or dash after it belongs to the title
  // ("Lord of the Rings, The: The Two Towers" is not a MovieLens form, but "Matrix, The" is).
  const m = /^(.*\S),\s*([^\s,]+)$/u.exec(t);
  if (!m) return t;
  const [, rest, article] = m;
  if (!ARTICLE_SET.has(article.toLowerCase())) return t;
  return article.endsWith("'") ? `${article}${rest}` : `${article} ${rest}`;
}

export interface ParsedTitle {
  /** The title as people write it: "The City of Lost Children". */
  title: string;
  /** Alternate titles the catalogue gives in parentheses (often the original-language title), each formatted. */
  alternates: string[];
}

/** Splits the trailing "(…)" groups off a catalogue title (balanced parentheses only) and formats each part. */
export function parseCatalogueTitle(catalogueTitle: string): ParsedTitle {
  let rest = catalogueTitle.trim();
  const alternates: string[] = [];
  // Peel trailing parenthesised groups, innermost-last, as long as something remains in front of them.
  for (;;) {
    if (!rest.endsWith(')')) break;
    let depth = 0;
    let start = -1;
    for (let i = rest.length - 1; i >= 0; i--) {
      if (rest[i] === ')') depth++;
      else if (rest[i] === '(' && --depth === 0) {
        start = i;
        break;
      }
    }
    if (start <= 0) break; // unbalanced, or the whole title is in parentheses ("(500) Days…" never gets here)
    const head = rest.slice(0, start).trimEnd();
    if (head === '') break;
    const inner = rest
      .slice(start + 1, -1)
      .trim()
      .replace(/^a\.k\.a\.?\s*/i, '');
    if (inner !== '') alternates.unshift(moveArticleToFront(inner));
    rest = head;
  }
  return { title: moveArticleToFront(rest), alternates };
}

/** The title to show: "Shawshank Redemption, The" → "The Shawshank Redemption". */
export function displayTitle(catalogueTitle: string): string {
  return parseCatalogueTitle(catalogueTitle).title;
}

const sameTitle = (a: string, b: string) =>
  a.normalize('NFC').replace(/\s+/g, ' ').trim().toLocaleLowerCase('en') ===
  b.normalize('NFC').replace(/\s+/g, ' ').trim().toLocaleLowerCase('en');

/**
 * The "Original title" line of a movie page (TMDB's original title, shown only when it differs from the display
 * title) and the catalogue's alternate titles without the ones that line (or the display title) already says.
 */
export function titleVariants(
  title: string,
  originalTitle: string | null,
  alternates: readonly string[],
): { originalTitle: string | null; alsoKnownAs: string[] } {
  const original = originalTitle && !sameTitle(originalTitle, title) ? originalTitle.trim() : null;
  const alsoKnownAs = alternates.filter(
    (a, i) =>
      !sameTitle(a, title) &&
      (original === null || !sameTitle(a, original)) &&
      alternates.findIndex((b) => sameTitle(a, b)) === i,
  );
  return { originalTitle: original, alsoKnownAs };
}

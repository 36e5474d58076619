/**
 * Text processing for the content model: tokenizer, English stop words and the Porter stemmer.
 * Pure functions, no I/O.
 */

/**
 * English stop words (function words that carry no topic). A compact list in the spirit of the
 * SMART / Snowball English lists, plus a few words that are frequent in movie overviews but
 * say nothing about the movie ("film", "movie", "story").
 */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all almost also although always am among an and another any anyone ' +
    'anything are around as at away back be became because become becomes been before being below between ' +
    'both but by can cannot could did do does doing done down during each either else even ever every ' +
    'few for from further get gets getting go goes going got had has have having he her here hers herself ' +
    'him himself his how however i if in into is it its itself just last least less let like made make makes ' +
    'many may me might more most much must my myself neither never new next no nor not now of off often on ' +
    'once one only onto or other others our ours ourselves out over own per perhaps rather same several ' +
    'she should since so some something soon still such than that the their theirs them themselves then ' +
    'there these they this those though through thus to together too toward towards under until up upon ' +
    'us very was we were what whatever when where whether which while who whom whose why will with within ' +
    'without would yet you your yours yourself yourselves ' +
    "s t don't can't won't isn't aren't wasn't weren't it's he's she's they're we're i'm you're " +
    'film films movie movies story'
  ).split(/\s+/),
);

/**
 * Splits text into lowercase word tokens: runs of Unicode letters/digits. A clitic after an
 * apostrophe is dropped ("hero's" → "hero", "don't" → "don"). Diacritics are kept. O(length).
 */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  const re = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;
  for (const m of text.toLowerCase().matchAll(re)) {
    const tok = m[0].replace(/’/g, "'");
    // Possessive/clitic "'s", "'t" etc. are stripped so "hero's" and "hero" share a term.
    const apo = tok.indexOf("'");
    out.push(apo > 0 ? tok.slice(0, apo) : tok);
  }
  return out;
}

/**
 * Tokenize, drop stop words, tokens shorter than `minLength` and pure numbers, then Porter-stem.
 * Used for overview terms and free-text tags. O(length).
 */
export function analyzeText(text: string, minLength = 2): string[] {
  const out: string[] = [];
  for (const tok of tokenize(text)) {
    if (tok.length < minLength || ENGLISH_STOP_WORDS.has(tok) || /^\d+$/.test(tok)) continue;
    const stem = porterStem(tok);
    if (!ENGLISH_STOP_WORDS.has(stem)) out.push(stem);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Porter stemmer — M. F. Porter, "An algorithm for suffix stripping", Program 14(3), 1980,
// pp. 130–137. Implemented from the published description (steps 1a … 5b). Words of length ≤ 2
// are returned unchanged, as in the paper's reference usage.

function isConsonant(w: string, i: number): boolean {
  const c = w.charCodeAt(i);
  // a e i o u
  if (c === 97 || c === 101 || c === 105 || c === 111 || c === 117) return false;
  // y is a consonant at the start or after a vowel, a vowel after a consonant.
  if (c === 121) return i === 0 ? true : !isConsonant(w, i - 1);
  return true;
}

/** m in [C](VC)^m[V] for the prefix w[0, end). */
function measure(w: string, end: number): number {
  let m = 0;
  let i = 0;
  while (i < end && isConsonant(w, i)) i++;
  while (i < end) {
    while (i < end && !isConsonant(w, i)) i++;
    if (i >= end) break;
    while (i < end && isConsonant(w, i)) i++;
    m++;
  }
  return m;
}

function hasVowel(w: string, end: number): boolean {
  for (let i = 0; i < end; i++) if (!isConsonant(w, i)) return true;
  return false;
}

/** *d: the prefix w[0, end) ends with a double consonant. */
function endsDoubleConsonant(w: string, end: number): boolean {
  return end >= 2 && w[end - 1] === w[end - 2] && isConsonant(w, end - 1);
}

/** *o: the prefix ends consonant-vowel-consonant, the last consonant not w, x or y. */
function endsCvc(w: string, end: number): boolean {
  if (end < 3) return false;
  if (!isConsonant(w, end - 1) || isConsonant(w, end - 2) || !isConsonant(w, end - 3)) return false;
  const c = w[end - 1];
  return c !== 'w' && c !== 'x' && c !== 'y';
}

type Rule = readonly [suffix: string, replacement: string];

const STEP2: readonly Rule[] = [
  ['ational', 'ate'],
  ['tional', 'tion'],
  ['enci', 'ence'],
  ['anci', 'ance'],
  ['izer', 'ize'],
  ['abli', 'able'],
  ['alli', 'al'],
  ['entli', 'ent'],
  ['eli', 'e'],
  ['ousli', 'ous'],
  ['ization', 'ize'],
  ['ation', 'ate'],
  ['ator', 'ate'],
  ['alism', 'al'],
  ['iveness', 'ive'],
  ['fulness', 'ful'],
  ['ousness', 'ous'],
  ['aliti', 'al'],
  ['iviti', 'ive'],
  ['biliti', 'ble'],
];
const STEP3: readonly Rule[] = [
  ['icate', 'ic'],
  ['ative', ''],
  ['alize', 'al'],
  ['iciti', 'ic'],
  ['ical', 'ic'],
  ['ful', ''],
  ['ness', ''],
];
const STEP4: readonly string[] = [
  'al',
  'ance',
  'ence',
  'er',
  'ic',
  'able',
  'ible',
  'ant',
  'ement',
  'ment',
  'ent',
  'ion',
  'ou',
  'ism',
  'ate',
  'iti',
  'ous',
  'ive',
  'ize',
];

/** Longest suffix of w among `suffixes`, or undefined. */
function longestSuffix(w: string, suffixes: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const s of suffixes) if (w.endsWith(s) && (best === undefined || s.length > best.length)) best = s;
  return best;
}

/** Applies the longest matching rule of a step when the stem before it has m > minM. */
function applyRules(w: string, rules: readonly Rule[], minM: number): string {
  const suffix = longestSuffix(
    w,
    rules.map((r) => r[0]),
  );
  if (suffix === undefined) return w;
  const stemEnd = w.length - suffix.length;
  if (measure(w, stemEnd) <= minM) return w;
  const rep = rules.find((r) => r[0] === suffix)![1];
  return w.slice(0, stemEnd) + rep;
}

/**
 * Porter (1980) stem of a lowercase English word, e.g. "relational" → "relat",
 * "hopping" → "hop", "generalizations" → "gener". O(length²) in the worst case, tiny in practice.
 */
export function porterStem(word: string): string {
  let w = word;
  if (w.length <= 2) return w;

  // Step 1a
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ies')) w = w.slice(0, -2);
  else if (w.endsWith('ss')) {
    /* unchanged */
  } else if (w.endsWith('s')) w = w.slice(0, -1);

  // Step 1b
  let extra = false;
  if (w.endsWith('eed')) {
    if (measure(w, w.length - 3) > 0) w = w.slice(0, -1);
  } else if (w.endsWith('ed') && hasVowel(w, w.length - 2)) {
    w = w.slice(0, -2);
    extra = true;
  } else if (w.endsWith('ing') && hasVowel(w, w.length - 3)) {
    w = w.slice(0, -3);
    extra = true;
  }
  if (extra) {
    if (w.endsWith('at') || w.endsWith('bl') || w.endsWith('iz')) w += 'e';
    else if (endsDoubleConsonant(w, w.length)) {
      const c = w[w.length - 1];
      if (c !== 'l' && c !== 's' && c !== 'z') w = w.slice(0, -1);
    } else if (measure(w, w.length) === 1 && endsCvc(w, w.length)) w += 'e';
  }

  // Step 1c
  if (w.endsWith('y') && hasVowel(w, w.length - 1)) w = w.slice(0, -1) + 'i';

  // Steps 2 and 3 (m > 0)
  w = applyRules(w, STEP2, 0);
  w = applyRules(w, STEP3, 0);

  // Step 4 (m > 1); "ion" only after s or t.
  const s4 = longestSuffix(w, STEP4);
  if (s4 !== undefined) {
    const stemEnd = w.length - s4.length;
    if (measure(w, stemEnd) > 1) {
      if (s4 !== 'ion' || (stemEnd > 0 && (w[stemEnd - 1] === 's' || w[stemEnd - 1] === 't'))) {
        w = w.slice(0, stemEnd);
      }
    }
  }

  // Step 5a
  if (w.endsWith('e')) {
    const m = measure(w, w.length - 1);
    if (m > 1 || (m === 1 && !endsCvc(w, w.length - 1))) w = w.slice(0, -1);
  }
  // Step 5b
  if (w.endsWith('ll') && measure(w, w.length) > 1) w = w.slice(0, -1);

  return w;
}

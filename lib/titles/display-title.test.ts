import { describe, expect, it } from 'vitest';
import { displayTitle, moveArticleToFront, parseCatalogueTitle, titleVariants } from './display-title';

// Catalogue titles as MovieLens writes them (year already split off by the importer) → what members read.
const TABLE: [catalogue: string, display: string, alternates: string[]][] = [
  ['Shawshank Redemption, The', 'The Shawshank Redemption', []],
  ['Matrix, The', 'The Matrix', []],
  ['Godfather, The', 'The Godfather', []],
  ['Walk in the Clouds, A', 'A Walk in the Clouds', []],
  ['Awfully Big Adventure, An', 'An Awfully Big Adventure', []],
  [
    'City of Lost Children, The (Cité des enfants perdus, La)',
    'The City of Lost Children',
    ['La Cité des enfants perdus'],
  ],
  ['Cité des enfants perdus, La', 'La Cité des enfants perdus', []],
  ['Misérables, Les', 'Les Misérables', []],
  ['Colonel Chabert, Le', 'Le Colonel Chabert', []],
  ["School of Flesh, The (École de la chair, L')", 'The School of Flesh', ["L'École de la chair"]],
  ['Postman, The (Postino, Il)', 'The Postman', ['Il Postino']],
  ['Day of the Beast, The (Día de la Bestia, El)', 'The Day of the Beast', ['El Día de la Bestia']],
  ['Wings of Desire (Himmel über Berlin, Der)', 'Wings of Desire', ['Der Himmel über Berlin']],
  ['Boot, Das (Boat, The)', 'Das Boot', ['The Boat']],
  ['Seventh Seal, The (Sjunde inseglet, Det)', 'The Seventh Seal', ['Det Sjunde inseglet']],
  ['Mondays in the Sun (Lunes al sol, Los)', 'Mondays in the Sun', ['Los Lunes al sol']],
  ['Children Are Watching Us, The (Bambini ci guardano, I)', 'The Children Are Watching Us', ['I Bambini ci guardano']],
  ['Andalusian Dog, An (Chien andalou, Un)', 'An Andalusian Dog', ['Un Chien andalou']],
  ['Hate (Haine, La)', 'Hate', ['La Haine']],
  ['Seven (a.k.a. Se7en)', 'Seven', ['Se7en']],
  // Commas that are part of the title stay where they are.
  ['Paris, Texas', 'Paris, Texas', []],
  ['I, Robot', 'I, Robot', []],
  ['Girl, Interrupted', 'Girl, Interrupted', []],
  ['Tinker, Tailor, Soldier, Spy', 'Tinker, Tailor, Soldier, Spy', []],
  ['Lust, Caution (Se, jie)', 'Lust, Caution', ['Se, jie']],
  // Parentheses at the start, or nothing in front of them, are the title itself.
  ['(500) Days of Summer', '(500) Days of Summer', []],
  ['Toy Story', 'Toy Story', []],
  ['  Matrix, The  ', 'The Matrix', []],
  ['', '', []],
];

describe('displayTitle', () => {
  it.each(TABLE)('%s → %s', (catalogue, display, alternates) => {
    expect(displayTitle(catalogue)).toBe(display);
    expect(parseCatalogueTitle(catalogue).alternates).toEqual(alternates);
  });

  it('leaves a trailing word that is not an article alone', () => {
    expect(moveArticleToFront('Good Morning, Vietnam')).toBe('Good Morning, Vietnam');
    expect(moveArticleToFront('Now, Voyager')).toBe('Now, Voyager');
  });

  it('keeps unbalanced parentheses as part of the title', () => {
    expect(displayTitle('Broken (title')).toBe('Broken (title');
    expect(displayTitle('Broken title)')).toBe('Broken title)');
  });
});

describe('titleVariants', () => {
  it('shows the original title only when it differs from the display title', () => {
    expect(titleVariants('The Matrix', 'The Matrix', [])).toEqual({ originalTitle: null, alsoKnownAs: [] });
    expect(titleVariants('The Matrix', ' the  matrix ', [])).toEqual({ originalTitle: null, alsoKnownAs: [] });
    expect(titleVariants('Spirited Away', '千と千尋の神隠し', [])).toEqual({
      originalTitle: '千と千尋の神隠し',
      alsoKnownAs: [],
    });
    expect(titleVariants('Spirited Away', null, ['Sen to Chihiro no kamikakushi'])).toEqual({
      originalTitle: null,
      alsoKnownAs: ['Sen to Chihiro no kamikakushi'],
    });
  });

  it('drops alternate titles the original title (or the title) already says, and repeats', () => {
    const { title, alternates } = parseCatalogueTitle('City of Lost Children, The (Cité des enfants perdus, La)');
    expect(titleVariants(title, 'La Cité des enfants perdus', alternates)).toEqual({
      originalTitle: 'La Cité des enfants perdus',
      alsoKnownAs: [],
    });
    expect(
      titleVariants('Amélie', 'Le Fabuleux Destin d’Amélie Poulain', [
        'Le fabuleux destin d’Amélie Poulain',
        'amélie',
        'X',
        'x',
      ]),
    ).toEqual({
      originalTitle: 'Le Fabuleux Destin d’Amélie Poulain',
      alsoKnownAs: ['X'],
    });
  });
});

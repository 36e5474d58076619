import { describe, expect, it } from 'vitest';
import type { Contribution } from './explain';
import { chooseReason, watchedDirectorCounts } from './reasons';

const content = (from: number): Contribution => ({ source: 'content', base: 'content', fromItemIdx: from });
const ease = (from: number): Contribution => ({ source: 'collaborative', base: 'ease', fromItemIdx: from });
const people = (directors: string[], cast: string[] = []) => ({ directors, cast });
const none = new Map<string, number>();

describe('chooseReason', () => {
  it('names a liked movie for a collaborative pick, whether hearted, liked without rating or rated ≥ 3.5', () => {
    for (const signal of [
      { kind: 'like' as const, value: 1, liked: true },
      { kind: 'rating' as const, value: 2, liked: true },
      { kind: 'rating' as const, value: 4, liked: false },
    ])
      expect(chooseReason(ease(7), signal, null, none)).toEqual({ kind: 'because', verb: 'liked', fromItemIdx: 7 });
  });

  it('names a bare watch as watched, and a low rating not at all', () => {
    expect(chooseReason(ease(3), { kind: 'watch', value: 1, liked: false }, null, none)).toEqual({
      kind: 'because',
      verb: 'watched',
      fromItemIdx: 3,
    });
    expect(chooseReason(ease(3), { kind: 'rating', value: 2, liked: false }, null, none)).toEqual({
      kind: 'people-like-you',
      source: 'collaborative',
    });
  });

  it('names the member’s viewings of a shared director from two films on, else "more from"', () => {
    const ppl = { pick: people(['Denis Villeneuve']), from: people(['Denis Villeneuve']) };
    const watched = watchedDirectorCounts([1, 2, 3, 3], (id) => (id <= 3 ? ['Denis Villeneuve'] : []));
    expect(chooseReason(content(1), undefined, ppl, watched)).toEqual({
      kind: 'watched-director',
      director: 'Denis Villeneuve',
      films: 3,
    });
    expect(chooseReason(content(1), undefined, ppl, new Map([['Denis Villeneuve', 1]]))).toEqual({
      kind: 'more-from',
      director: 'Denis Villeneuve',
    });
  });

  it('falls back to a shared actor, then to what the member did with the named movie', () => {
    const ppl = { pick: people(['A'], ['Zendaya']), from: people(['B'], ['Zendaya']) };
    expect(chooseReason(content(4), undefined, ppl, none)).toEqual({
      kind: 'with-actor',
      actor: 'Zendaya',
      fromItemIdx: 4,
    });
    const strangers = { pick: people(['A']), from: people(['B']) };
    expect(chooseReason(content(4), { kind: 'watch', value: 1, liked: false }, strangers, none)).toMatchObject({
      verb: 'watched',
    });
    expect(chooseReason(content(4), { kind: 'like', value: 1, liked: true }, null, none)).toMatchObject({
      verb: 'liked',
    });
  });

  it('gives popularity picks the popularity reason and names nothing without a source movie', () => {
    expect(
      chooseReason({ source: 'popular', base: 'pop', fromItemIdx: -1 } as Contribution, undefined, null, none),
    ).toEqual({
      kind: 'popular',
    });
    expect(chooseReason(ease(-1), undefined, null, none)).toEqual({ kind: 'people-like-you', source: 'collaborative' });
  });
});

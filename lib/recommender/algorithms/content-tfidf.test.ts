import { describe, expect, it } from 'vitest';
import {
  buildContentIndex,
  ContentIndexConfigSchema,
  ContentTfidfConfigSchema,
  contentTfidfRecommender,
  featureIndex,
  fitContentTfidf,
  predictContent,
  profileFromFeatures,
  rowDot,
  scoreContentUser,
  scoreProfile,
  similarItems,
  trainUserProfile,
  type ContentDoc,
} from './content-tfidf';
import { topKIndices } from '../core/select-top';
import { ratingMatrixFromDense } from '../core/sparse';

const THREE: ContentDoc[] = [
  { itemId: 10, fields: { g: ['Drama', 'Crime'], d: ['Michael Mann'] } },
  { itemId: 20, fields: { g: ['Drama'], d: ['Michael  Mann '] } },
  { itemId: 30, fields: { g: ['Comedy'], d: ['Other'] } },
];

function rowOf(index: ReturnType<typeof buildContentIndex>, r: number): Record<string, number> {
  const out: Record<string, number> = {};
  const v = index.vectors;
  for (let p = v.indptr[r]; p < v.indptr[r + 1]; p++) out[index.features[v.indices[p]]] = v.values[p];
  return out;
}

describe('buildContentIndex (TF-IDF by hand on 3 movies)', () => {
  // N = 3. df: g:drama 2, g:crime 1, d:michael mann 2, g:comedy 1, d:other 1. idf = ln(N/df).
  // Movie 10: genre block (ln1.5, ln3)/‖·‖ = (0.346241, 0.938148); director block (1);
  // concatenated and divided by √2 → drama 0.244829, crime 0.663369, michael mann 0.707107.
  it('weights raw TF by ln(N/df), normalises each field block, then the whole vector', () => {
    const index = buildContentIndex(THREE, ContentIndexConfigSchema.parse({ minDf: 1, tf: 'raw' }));
    expect(index.features).toEqual(['g:drama', 'g:crime', 'd:michael mann', 'g:comedy', 'd:other']);
    expect(Array.from(index.idf)).toEqual(
      [Math.log(1.5), Math.log(3), Math.log(1.5), Math.log(3), Math.log(3)].map(Math.fround),
    );
    const a = rowOf(index, 0);
    expect(a['g:drama']).toBeCloseTo(0.244829, 5);
    expect(a['g:crime']).toBeCloseTo(0.663369, 5);
    expect(a['d:michael mann']).toBeCloseTo(0.707107, 5);
    const b = rowOf(index, 1);
    expect(b['g:drama']).toBeCloseTo(0.707107, 5);
    expect(b['d:michael mann']).toBeCloseTo(0.707107, 5);
    // cos(10, 20) = 0.244829·0.707107 + 0.707107² = 0.673122; 30 shares nothing.
    expect(rowDot(index.vectors, 0, index.vectors, 1)).toBeCloseTo(0.673122, 5);
    expect(rowDot(index.vectors, 0, index.vectors, 2)).toBe(0);
  });

  it('applies field weights to the unit blocks before the final normalisation', () => {
    const index = buildContentIndex(
      THREE,
      ContentIndexConfigSchema.parse({ minDf: 1, tf: 'raw', fieldWeights: { g: 2 } }),
    );
    // (2·0.346241, 2·0.938148, 1) / √5
    const a = rowOf(index, 0);
    expect(a['g:drama']).toBeCloseTo(0.309688, 5);
    expect(a['g:crime']).toBeCloseTo(0.839105, 5);
    expect(a['d:michael mann']).toBeCloseTo(0.447214, 5);
  });

  it('drops features below minDf and stems free text', () => {
    const docs: ContentDoc[] = [
      { itemId: 1, fields: { o: 'Two detectives hunting a killer' } },
      { itemId: 2, fields: { o: 'A detective hunts the ghosts' } },
      { itemId: 3, fields: { o: 'Ghost stories' } },
    ];
    const index = buildContentIndex(docs, ContentIndexConfigSchema.parse({ minDf: 2 }));
    expect([...index.features].sort()).toEqual(['o:detect', 'o:ghost', 'o:hunt']);
    // Every kept feature has df 2 (same idf) and tf 1: doc 1 = {detect, hunt}, doc 2 = {detect, hunt, ghost}
    // → cosine 2 / (√2·√3).
    expect(rowDot(index.vectors, 0, index.vectors, 1)).toBeCloseTo(2 / Math.sqrt(6), 5);
  });
});

// Items 1..5: 1 = action, 2 = romance, 3 = action, 4 = romance, 5 = action+romance.
const GENRE_DOCS: ContentDoc[] = [
  { itemId: 1, fields: { g: ['Action'], k: ['car chase'] } },
  { itemId: 2, fields: { g: ['Romance'], k: ['wedding'] } },
  { itemId: 3, fields: { g: ['Action'], k: ['car chase'] } },
  { itemId: 4, fields: { g: ['Romance'], k: ['wedding'] } },
  { itemId: 5, fields: { g: ['Action', 'Romance'] } },
  { itemId: 6, fields: { g: ['Documentary'] } },
];

describe('content model profiles', () => {
  const data = ratingMatrixFromDense([
    [5, 1, 0, 0, 0, 0], // likes action, dislikes romance
    [0, 0, 4, 4, 3, 0],
    [0, 5, 0, 0, 0, 0], // one rating
  ]);
  const model = fitContentTfidf(data, ContentTfidfConfigSchema.parse({ docs: GENRE_DOCS, minDf: 1 }));

  it('moves the profile towards the 5-star movie and away from the 1-star one', () => {
    const p = trainUserProfile(model, data, 0);
    const action = featureIndex(model.index, 'g:action')!;
    const romance = featureIndex(model.index, 'g:romance')!;
    expect(p[action]).toBeGreaterThan(0);
    expect(p[romance]).toBeLessThan(0);
    const scores = new Float32Array(6);
    scoreContentUser(model, data, 0, scores);
    expect(scores[2]).toBeGreaterThan(0.5); // unseen action movie
    expect(scores[3]).toBeLessThan(-0.5); // unseen romance movie
    expect(scores[5]).toBe(0); // documentary: orthogonal
    const recs = contentTfidfRecommender.recommend(model, data, 0, 2);
    expect(recs[0].itemIdx).toBe(2);
    expect(recs.map((r) => r.itemIdx)).not.toContain(0);
  });

  it('gives a user with a single rating a usable profile', () => {
    // One 5-star rating: the shrunk mean (5 + 2·μ)/3 < 5, so the weight stays positive.
    const recs = contentTfidfRecommender.recommend(model, data, 2, 1);
    expect(recs[0].itemIdx).toBe(3); // the other romance movie
    expect(recs[0].score).toBeGreaterThan(0.9);
  });

  it('scores a genre-only profile for a user with no ratings', () => {
    const p = profileFromFeatures(model.index, ['g:romance', 'g:unknown']);
    const out = new Float32Array(6);
    scoreProfile(model.itemVectors, p, out);
    // Romance is one of two equal-weight unit blocks (or one of two equal-idf genres) → cos = 1/√2.
    for (const i of [1, 3, 4]) expect(out[i]).toBeCloseTo(Math.SQRT1_2, 5);
    expect(out[0]).toBe(0);
    expect(out[5]).toBe(0);
  });

  it('finds "more like this" items and never the item itself', () => {
    const sims = similarItems(model, 0, 3);
    expect(sims[0].itemIdx).toBe(2);
    expect(sims[0].score).toBeCloseTo(1, 5);
    expect(sims.map((s) => s.itemIdx)).not.toContain(0);
    expect(sims.map((s) => s.itemIdx)).not.toContain(5);
  });

  it('predicts ratings from similar rated items and falls back for unknowns', () => {
    const up = predictContent(model, data, 0, 2); // like the 5-star action movie
    const down = predictContent(model, data, 0, 3); // like the 1-star romance movie
    expect(up).toBeGreaterThan(model.userMean[0]);
    expect(down).toBeLessThan(model.userMean[0]);
    expect(predictContent(model, data, -1, 0)).toBeCloseTo(data.globalMean, 5);
    expect(predictContent(model, data, 0, -1)).toBeCloseTo(model.userMean[0], 5);
  });
});

describe('topKIndices', () => {
  it('returns the k largest, ties by index, skipping excluded', () => {
    const s = Float32Array.from([0.1, 0.9, 0.5, 0.9, -1, 0.7]);
    expect(topKIndices(s, 3).map((x) => x.itemIdx)).toEqual([1, 3, 5]);
    expect(topKIndices(s, 3, (i) => i === 1).map((x) => x.itemIdx)).toEqual([3, 5, 2]);
    expect(topKIndices(s, 10)).toHaveLength(6);
  });
});

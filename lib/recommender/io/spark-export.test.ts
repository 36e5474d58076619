import { describe, expect, it } from 'vitest';
import { ratingsCsvChunks, RATINGS_CSV_HEADER, sparkAlsSettings } from './spark-export';

const ALS = { factors: 64, iterations: 15, reg: 20, alpha: 2, threshold: 3.5 };

describe('ratingsCsvChunks', () => {
  const u = Int32Array.of(1, 1, 2, 3);
  const m = Int32Array.of(10, 11, 10, 12);
  const v = Float32Array.of(4.5, 3, 0.5, 5);

  it('writes the header, then one userId,movieId,rating line per row of the range', () => {
    expect([...ratingsCsvChunks(u, m, v, 0, 4)].join('')).toBe(
      `${RATINGS_CSV_HEADER}\n1,10,4.5\n1,11,3\n2,10,0.5\n3,12,5\n`,
    );
    expect([...ratingsCsvChunks(u, m, v, 2, 3)].join('')).toBe(`${RATINGS_CSV_HEADER}\n2,10,0.5\n`);
  });

  it('splits long ranges into chunks without losing or repeating a line', () => {
    const chunks = [...ratingsCsvChunks(u, m, v, 0, 4, 2)];
    expect(chunks).toHaveLength(2);
    expect(chunks.join('').split('\n').filter(Boolean)).toHaveLength(5);
  });
});

describe('sparkAlsSettings', () => {
  it('maps the in-process ALS to Spark params and scales λ by the median positives per user (ALS-WR)', () => {
    // Users 1–3 have 2, 4 and 6 positives (ratings ≥ 3.5); user 4 only negatives, which do not count.
    const u: number[] = [];
    const m: number[] = [];
    const v: number[] = [];
    [2, 4, 6].forEach((count, x) => {
      for (let j = 0; j < count; j++) {
        u.push(x + 1);
        m.push(100 + j);
        v.push(j % 2 ? 3.5 : 5);
      }
      u.push(x + 1);
      m.push(200);
      v.push(2);
    });
    u.push(4);
    m.push(100);
    v.push(1);
    const s = sparkAlsSettings(Int32Array.from(u), Int32Array.from(m), Float32Array.from(v), ALS);
    expect(s).toMatchObject({
      implicitPrefs: true,
      rank: 64,
      maxIter: 15,
      alpha: 2,
      nonnegative: false,
      coldStartStrategy: 'drop',
      threshold: 3.5,
    });
    expect(s.medianPositivesPerUser).toBe(4);
    expect(s.regParam).toBe(5); // 20 / 4
    // Items 100–105 have 3, 3, 2, 2, 1, 1 positives: median 2.
    expect(s.medianPositivesPerItem).toBe(2);
    expect(s.regParamItemSide).toBe(10);
  });

  it('rounds to four significant digits and keeps λ when there are no positives', () => {
    const s = sparkAlsSettings(Int32Array.of(1, 1, 1), Int32Array.of(1, 2, 3), Float32Array.of(4, 4, 4), ALS);
    expect(s.regParam).toBe(6.667);
    expect(sparkAlsSettings(Int32Array.of(1), Int32Array.of(1), Float32Array.of(1), ALS).regParam).toBe(20);
  });
});

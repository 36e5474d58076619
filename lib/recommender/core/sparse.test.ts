import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildRatingMatrix, createVocabulary, getValue, transpose, nnzOf } from './sparse';
import type { Csr } from './types';

const triples = fc.array(
  fc.tuple(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 10 })),
  { maxLength: 200 },
);

function toInput(rows: [number, number, number][]) {
  return {
    userIds: Int32Array.from(rows.map((r) => r[0])),
    itemIds: Int32Array.from(rows.map((r) => r[1])),
    ratings: Float32Array.from(rows.map((r) => r[2] / 2)),
  };
}

function isSorted(csr: Csr): boolean {
  for (let r = 0; r < csr.nRows; r++) {
    for (let p = csr.indptr[r] + 1; p < csr.indptr[r + 1]; p++) if (csr.indices[p] <= csr.indices[p - 1]) return false;
  }
  return true;
}

describe('createVocabulary', () => {
  it('sorts ids ascending and deduplicates', () => {
    const v = createVocabulary([30, 10, 20, 10]);
    expect(Array.from(v.ids)).toEqual([10, 20, 30]);
    expect(v.index(20)).toBe(1);
    expect(v.index(99)).toBeUndefined();
    expect(v.size).toBe(3);
  });
});

describe('buildRatingMatrix', () => {
  it('keeps the last duplicate by default and averages with duplicates: mean', () => {
    const input = {
      userIds: Int32Array.of(5, 5, 7),
      itemIds: Int32Array.of(9, 9, 9),
      ratings: Float32Array.of(2, 4, 3),
    };
    const last = buildRatingMatrix(input);
    expect(getValue(last.byUser, 0, 0)).toBe(4);
    expect(last.duplicateRows).toBe(1);
    const mean = buildRatingMatrix(input, { duplicates: 'mean' });
    expect(getValue(mean.byUser, 0, 0)).toBe(3);
    expect(mean.globalMean).toBeCloseTo(3);
  });

  it('drops rows outside given vocabularies and counts them', () => {
    const users = createVocabulary([1]);
    const m = buildRatingMatrix(
      { userIds: Int32Array.of(1, 2, 1), itemIds: Int32Array.of(3, 3, 4), ratings: Float32Array.of(1, 2, 3) },
      { users },
    );
    expect(m.droppedRows).toBe(1);
    expect(m.byUser.nRows).toBe(1);
    expect(Array.from(m.byUser.values)).toEqual([1, 3]);
  });

  it('round-trips random triples: every last value is found, rows sorted, nnz = distinct pairs', () => {
    fc.assert(
      fc.property(triples, (rows) => {
        const m = buildRatingMatrix(toInput(rows));
        const lastByPair = new Map<string, number>();
        for (const [u, i, r] of rows) lastByPair.set(`${u}:${i}`, r / 2);
        expect(nnzOf(m.byUser)).toBe(lastByPair.size);
        expect(m.duplicateRows).toBe(rows.length - lastByPair.size);
        for (const [key, value] of lastByPair) {
          const [u, i] = key.split(':').map(Number);
          expect(getValue(m.byUser, m.users.index(u)!, m.items.index(i)!)).toBe(value);
          expect(getValue(m.byItem, m.items.index(i)!, m.users.index(u)!)).toBe(value);
        }
        expect(isSorted(m.byUser)).toBe(true);
        expect(isSorted(m.byItem)).toBe(true);
      }),
    );
  });

  it('transpose twice is the identity', () => {
    fc.assert(
      fc.property(triples, (rows) => {
        const m = buildRatingMatrix(toInput(rows));
        const back = transpose(transpose(m.byUser));
        expect(back.nRows).toBe(m.byUser.nRows);
        expect(back.nCols).toBe(m.byUser.nCols);
        expect(Array.from(back.indptr)).toEqual(Array.from(m.byUser.indptr));
        expect(Array.from(back.indices)).toEqual(Array.from(m.byUser.indices));
        expect(Array.from(back.values)).toEqual(Array.from(m.byUser.values));
      }),
    );
  });

  it('gives the same encoding whatever the input order', () => {
    fc.assert(
      fc.property(triples, fc.integer(), (rows, seed) => {
        const distinct = new Map<string, [number, number, number]>();
        for (const t of rows) distinct.set(`${t[0]}:${t[1]}`, t);
        const uniq = [...distinct.values()];
        const shuffled = [...uniq].sort((a, b) => ((a[0] * 31 + a[1] + seed) % 7) - ((b[0] * 31 + b[1] + seed) % 7));
        const a = buildRatingMatrix(toInput(uniq));
        const b = buildRatingMatrix(toInput(shuffled));
        expect(Array.from(a.byUser.indices)).toEqual(Array.from(b.byUser.indices));
        expect(Array.from(a.byUser.values)).toEqual(Array.from(b.byUser.values));
      }),
    );
  });
});

describe('createVocabulary lookups', () => {
  it('answers the same for dense-table and hashed id ranges, including non-integers and negatives', () => {
    for (const ids of [
      [5, 1, 3],
      [2_000_000_000, 7, -4],
    ]) {
      const v = createVocabulary(ids);
      const sorted = [...ids].sort((a, b) => a - b);
      sorted.forEach((id, k) => expect(v.index(id)).toBe(k));
      for (const missing of [0, 2, 4, 6, 1.5, -1, 3_000_000_000, Number.NaN]) expect(v.index(missing)).toBeUndefined();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { deserializeModel, serializeModel } from './serialize';

describe('serializeModel', () => {
  it('round-trips nested typed arrays bit for bit', () => {
    const model = {
      k: 2,
      name: 'x',
      factors: Float32Array.of(1.5, -2.25, Math.PI),
      gram: Float64Array.of(1 / 3),
      knn: { indptr: Int32Array.of(0, 1, 3), sims: Float32Array.of(0.1, 0.2, 0.3) },
      list: [Uint8Array.of(1, 2)],
    };
    const { meta, blobs } = serializeModel(model);
    expect(blobs.map((b) => b.name).sort()).toEqual(['factors', 'gram', 'knn.indptr', 'knn.sims', 'list[0]']);
    const back = deserializeModel<typeof model>(
      JSON.parse(JSON.stringify(meta)),
      blobs.map((b) => ({ ...b, data: Uint8Array.from(b.data) })),
    );
    expect(back).toEqual(model);
    expect(back.factors).toBeInstanceOf(Float32Array);
    expect(back.factors[2]).toBe(model.factors[2]);
  });

  it('refuses a blob whose size does not match its length', () => {
    const { meta, blobs } = serializeModel({ a: Float32Array.of(1, 2) });
    expect(() => deserializeModel(meta, [{ ...blobs[0], length: 3 }])).toThrow(/bytes/);
  });

  it('refuses non-finite numbers in the meta', () => {
    expect(() => serializeModel({ a: Number.NaN })).toThrow(/non-finite/);
  });
});

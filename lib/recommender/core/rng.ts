/**
 * Seeded pseudo-random numbers for the engine. Every stochastic step (factor init, shuffles,
 * synthetic data) draws from one of these so the same seed gives the same model.
 */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Standard normal N(0, 1) (Box–Muller, the spare value is cached). */
  normal(): number;
  /** Uniform integer in [0, n). n must be a positive integer. */
  int(n: number): number;
}

/**
 * mulberry32 generator (Tommy Ettinger, public domain; the same generator the bench splits use).
 * Period 2^32, 32-bit state; fast and good enough for initialisation and shuffling, not for crypto.
 *
 * @param seed any number; only its low 32 bits matter.
 */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  let spare: number | null = null;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    normal(): number {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    int(n: number): number {
      return Math.floor(next() * n);
    },
  };
}

/** In-place Fisher–Yates shuffle of a typed array with the given generator. O(n). */
export function shuffleInPlace(arr: Int32Array | Uint32Array | Float32Array | number[], rng: Rng): void {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = arr[i];
    arr[i] = arr[j];
    arr[j] = t;
  }
}

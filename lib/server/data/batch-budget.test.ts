import { describe, expect, it } from 'vitest';
import { BatchBudget } from './batch-budget';

/** Runs `n` batches at `msPerRow` (+ `overheadMs` each) and returns each batch's simulated duration. */
function run(b: BatchBudget, n: number, msPerRow: number, overheadMs = 0): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const rows = b.size;
    const ms = overheadMs + rows * msPerRow;
    b.record(rows, ms);
    out.push(ms);
  }
  return out;
}

describe('BatchBudget', () => {
  it('converges to batches near the target at a steady speed', () => {
    const b = new BatchBudget({ initial: 100, min: 10, max: 100_000, targetMs: 150 });
    const ms = run(b, 30, 0.05, 2);
    expect(ms.at(-1)).toBeGreaterThan(100);
    expect(ms.at(-1)).toBeLessThanOrEqual(150);
  });

  it('cuts the next batch below the target at once when the machine slows down tenfold', () => {
    const b = new BatchBudget({ initial: 100, min: 10, max: 100_000, targetMs: 150 });
    run(b, 30, 0.05);
    const before = b.size;
    const spike = b.size * 0.5; // the first slow batch overruns (10× slower): 10 × 150 ms
    b.record(before, spike);
    expect(b.overBudget).toBe(1);
    // The next batch at the slow speed takes at most half the target (the overrun halves it again).
    expect(b.size * 0.5).toBeLessThanOrEqual(75 + 0.5);
    const slow = run(b, 10, 0.5);
    expect(Math.max(...slow)).toBeLessThanOrEqual(150);
  });

  it('grows back gradually after a spike (at most 1.5× per batch), never past max', () => {
    const b = new BatchBudget({ initial: 1000, min: 10, max: 5_000, targetMs: 150 });
    b.record(1000, 3000); // a spike
    const sizes: number[] = [];
    for (let i = 0; i < 20; i++) {
      const rows = b.size;
      b.record(rows, rows * 0.01);
      sizes.push(b.size);
    }
    for (let i = 1; i < sizes.length; i++) expect(sizes[i]).toBeLessThanOrEqual(Math.floor(sizes[i - 1] * 1.5));
    expect(sizes.at(-1)).toBe(5_000);
  });

  it('keeps sizes within min and max, and ignores empty batches', () => {
    const b = new BatchBudget({ initial: 50, min: 25, max: 1_000, targetMs: 150 });
    b.record(50, 60_000);
    expect(b.size).toBe(25);
    b.record(0, 10);
    b.record(25, Number.NaN);
    expect(b.size).toBe(25);
    expect(b.batches).toBe(1);
    expect(b.longestMs).toBe(60_000);
    expect(() => new BatchBudget({ initial: 1, min: 0, max: 1, targetMs: 1 })).toThrow();
  });

  it('gives a batch-at-a-time bound: under random 1–8× slowdowns no batch exceeds the spike factor × target', () => {
    // A seeded walk of the machine's speed: the longest batch is bounded by how much slower one batch gets than the
    // one before it, not by how slow the machine is overall.
    let seed = 7;
    const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const b = new BatchBudget({ initial: 300, min: 25, max: 1_000, targetMs: 150 });
    let slow = 1;
    let worstRatio = 0;
    for (let i = 0; i < 2_000; i++) {
      const prev = slow;
      slow = Math.min(8, Math.max(1, slow * (0.5 + rnd() * 1.5)));
      const rows = b.size;
      const ms = rows * 0.2 * slow;
      worstRatio = Math.max(worstRatio, ms / 150 / Math.max(1, slow / prev));
      b.record(rows, ms);
    }
    expect(worstRatio).toBeLessThanOrEqual(1.5 + 1e-9);
  });
});

// Time-budgeted batch sizes for the catalogue switch (#24). On the embedded database (PGlite) every connection waits
// while one transaction or statement runs, so a member's write during a reload waits for the batch in flight: the
// batch must stay short even when the machine slows down under it. Pure logic (no database), unit-tested.

export interface BatchBudgetOptions {
  /** Rows of the first batch. */
  initial: number;
  min: number;
  max: number;
  /** The duration a batch aims at. */
  targetMs: number;
  /** A batch over this is a spike: the next one is cut well below the target's size. Default 3 × target. */
  budgetMs?: number;
  /** Largest growth from one batch to the next. Default 1.5. */
  maxGrowth?: number;
}

/**
 * Sizes batches from their measured durations. The cost per row is estimated pessimistically: a slower batch counts
 * at once, a faster one only halfway, so a load spike shrinks the next batch immediately (to the size that meets the
 * target at the spike's speed, halved when the batch overran the budget) while recovery is gradual (at most
 * `maxGrowth` per batch). Sizes stay within [min, max].
 */
export class BatchBudget {
  size: number;
  /** Batches recorded, the longest of them, and how many overran the budget. */
  batches = 0;
  longestMs = 0;
  overBudget = 0;
  private costPerRowMs: number | null = null;
  private readonly min: number;
  private readonly max: number;
  private readonly targetMs: number;
  private readonly budgetMs: number;
  private readonly maxGrowth: number;

  constructor(opts: BatchBudgetOptions) {
    if (!(opts.min >= 1 && opts.max >= opts.min && opts.targetMs > 0)) throw new Error('bad batch budget');
    this.min = opts.min;
    this.max = opts.max;
    this.targetMs = opts.targetMs;
    this.budgetMs = opts.budgetMs ?? 3 * opts.targetMs;
    this.maxGrowth = opts.maxGrowth ?? 1.5;
    this.size = clamp(Math.round(opts.initial), this.min, this.max);
  }

  /** Records a batch of `rows` rows that took `elapsedMs`, and sets the next batch's size. */
  record(rows: number, elapsedMs: number): void {
    if (!(rows > 0) || !Number.isFinite(elapsedMs)) return;
    this.batches++;
    this.longestMs = Math.max(this.longestMs, elapsedMs);
    const cost = Math.max(elapsedMs, 0.01) / rows;
    this.costPerRowMs =
      this.costPerRowMs === null || cost > this.costPerRowMs ? cost : (this.costPerRowMs + cost) / 2;
    let next = this.targetMs / this.costPerRowMs;
    if (elapsedMs > this.budgetMs) {
      this.overBudget++;
      next = Math.min(next, (rows * this.targetMs) / elapsedMs / 2);
    }
    next = Math.min(next, this.size * this.maxGrowth);
    this.size = clamp(Math.floor(next), this.min, this.max);
  }
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

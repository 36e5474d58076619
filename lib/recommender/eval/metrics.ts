/**
 * Accuracy metrics exactly as ../shared/bench/PROTOCOL.md defines them. Pure functions over plain
 * arrays; the per-user ranking metrics take a ranked list of item indices and the user's set of
 * relevant items (test rating ≥ 4.0).
 */

/** Root mean squared error. Both arrays have the same length n > 0. O(n). */
export function rmse(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  checkLengths(predicted, actual);
  let s = 0;
  for (let k = 0; k < predicted.length; k++) {
    const d = predicted[k] - actual[k];
    s += d * d;
  }
  return Math.sqrt(s / predicted.length);
}

/** Mean absolute error. O(n). */
export function mae(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  checkLengths(predicted, actual);
  let s = 0;
  for (let k = 0; k < predicted.length; k++) s += Math.abs(predicted[k] - actual[k]);
  return s / predicted.length;
}

function checkLengths(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new RangeError(`length mismatch: ${a.length} predictions, ${b.length} ratings`);
  if (a.length === 0) throw new RangeError('no ratings to score');
}

function hitsAt(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  let hits = 0;
  const n = Math.min(k, ranked.length);
  for (let r = 0; r < n; r++) if (relevant.has(ranked[r])) hits++;
  return hits;
}

/** Recall@K = hits in the top K / min(K, #relevant); 0 when nothing is relevant. */
export function recallAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  if (relevant.size === 0) return 0;
  return hitsAt(ranked, relevant, k) / Math.min(k, relevant.size);
}

/** Precision@K = hits in the top K / K (a list shorter than K still divides by K). */
export function precisionAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  return hitsAt(ranked, relevant, k) / k;
}

/**
 * Binary NDCG@K: DCG = Σ_{hits at rank r ≤ K} 1 / log2(r + 1); ideal DCG puts min(K, #relevant)
 * hits at ranks 1…; 0 when nothing is relevant (Järvelin & Kekäläinen 2002).
 */
export function ndcgAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  if (relevant.size === 0) return 0;
  let dcg = 0;
  const n = Math.min(k, ranked.length);
  for (let r = 0; r < n; r++) if (relevant.has(ranked[r])) dcg += 1 / Math.log2(r + 2);
  let idcg = 0;
  const ideal = Math.min(k, relevant.size);
  for (let r = 0; r < ideal; r++) idcg += 1 / Math.log2(r + 2);
  return dcg / idcg;
}

/** The ranking metrics the protocol reports, averaged over evaluated users. */
export interface RankingMetrics {
  'recall@10': number;
  'recall@20': number;
  'ndcg@10': number;
  'precision@10': number;
  'coverage@10': number;
  users: number;
}

/** Running sums for {@link RankingMetrics}: add one user's ranked list at a time. */
export class RankingAccumulator {
  private recall10 = 0;
  private recall20 = 0;
  private ndcg10 = 0;
  private precision10 = 0;
  private users = 0;
  private ndcg10Sq = 0;
  private recall20Sq = 0;
  private readonly covered: Uint8Array;
  private coveredCount = 0;

  /** @param nTrainItems catalogue size for coverage (items that appear in train). */
  constructor(private readonly nTrainItems: number) {
    this.covered = new Uint8Array(Math.max(0, nTrainItems));
  }

  /** `ranked` holds at least the top 20 item indices (in train-item index space), best first. */
  add(ranked: ArrayLike<number>, relevant: ReadonlySet<number>): void {
    this.users++;
    this.recall10 += recallAtK(ranked, relevant, 10);
    const r20 = recallAtK(ranked, relevant, 20);
    const n10 = ndcgAtK(ranked, relevant, 10);
    this.recall20 += r20;
    this.ndcg10 += n10;
    this.recall20Sq += r20 * r20;
    this.ndcg10Sq += n10 * n10;
    this.precision10 += precisionAtK(ranked, relevant, 10);
    const n = Math.min(10, ranked.length);
    for (let r = 0; r < n; r++) {
      const i = ranked[r];
      if (i >= 0 && i < this.covered.length && !this.covered[i]) {
        this.covered[i] = 1;
        this.coveredCount++;
      }
    }
  }

  /**
   * Standard errors of the user means of NDCG@10 and Recall@20 (sample sd / √users; 0 below two users): how far a
   * difference between two runs on the same users can be noise.
   */
  standardErrors(): { 'ndcg@10': number; 'recall@20': number } {
    const n = this.users;
    const se = (sum: number, sq: number) => (n < 2 ? 0 : Math.sqrt(Math.max(0, (sq - (sum * sum) / n) / (n - 1)) / n));
    return { 'ndcg@10': se(this.ndcg10, this.ndcg10Sq), 'recall@20': se(this.recall20, this.recall20Sq) };
  }

  result(): RankingMetrics {
    const u = Math.max(1, this.users);
    return {
      'recall@10': this.recall10 / u,
      'recall@20': this.recall20 / u,
      'ndcg@10': this.ndcg10 / u,
      'precision@10': this.precision10 / u,
      'coverage@10': this.nTrainItems > 0 ? this.coveredCount / this.nTrainItems : 0,
      users: this.users,
    };
  }
}

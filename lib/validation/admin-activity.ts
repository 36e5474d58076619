// Client-safe DTOs of the admin activity page (#24).
export interface DailyActivity {
  day: string;
  ratings: number;
  signUps: number;
  /** Members who rated that day. */
  activeMembers: number;
}

export interface MovieTrend {
  movieId: number;
  title: string;
  thisWeek: number;
  lastWeek: number;
}

export interface ActivityReport {
  days: DailyActivity[];
  /** Members' ratings by value (0.5 … 5). */
  distribution: { value: number; count: number }[];
  activeMembers7d: number;
  mostRated: MovieTrend[];
  rising: MovieTrend[];
}

export interface VersionSummary {
  id: number;
  status: string;
  createdAt: string;
  trigger: string;
  metrics: Record<string, number>;
}

export interface VersionComparison {
  a: VersionSummary;
  b: VersionSummary;
  /** Raters whose lists were compared, and whether they are members or (before anyone signed up) MovieLens raters. */
  raters: number;
  raterKind: 'MEMBER' | 'IMPORTED';
  /** Mean share of a rater's top 10 that both versions show (0–1). */
  meanOverlap: number;
  /** histogram[k] = raters with k of 10 movies in common. */
  histogram: number[];
}

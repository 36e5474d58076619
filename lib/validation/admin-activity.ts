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

/** The background worker's liveness as the admin page shows it (client-safe DTO). */
export interface WorkerStatusDto {
  /** A heartbeat within WORKER_STALE_MS. */
  alive: boolean;
  /** ISO time of the last heartbeat, or null when no worker ever ran against this database. */
  lastSeenAt: string | null;
  startedAt: string | null;
  pid: number | null;
  /** Server time of this answer (the client computes "3 s ago" against it, not its own clock). */
  now: string;
}

/** The worker beats every 5 s; three missed beats mean it is down. */
export const WORKER_HEARTBEAT_MS = 5_000;
export const WORKER_STALE_MS = 15_000;

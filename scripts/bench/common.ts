/**
 * What every phase of `npm run bench` shares: the run's settings and database client, the log, and the timings
 * (each with the machine's load average, since the machine is shared).
 */
import type { ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import type pg from 'pg';

export const log = (line: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
export const load1 = () => Number(loadavg()[0].toFixed(2));

/** The settings, database and results of one bench run (bench.ts builds it; every phase reads and fills it). */
export interface BenchRun {
  args: { seed: string; duration: string; connections: string };
  shape: { users: number; items: number; ratings: number };
  nMembers: number;
  dbUrl: string;
  pgc: pg.Client;
  /** Everything written to the result file besides the timings. */
  result: Record<string, unknown>;
  /** The production server, while it runs (cleanup stops its process group). */
  serverProc: ChildProcess | null;
}

/** A timing with the machine's 1-minute load average when it ended (the machine is shared). */
export interface Timed {
  seconds: number;
  /** CPU seconds of this process (user + system; includes worker threads), comparable across machine loads. */
  cpuSeconds?: number;
  load1: number;
}
export const timings: Record<string, Timed> = {};
export async function timed<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
  const t = performance.now();
  const cpu = process.cpuUsage();
  const out = await fn();
  const used = process.cpuUsage(cpu);
  timings[name] = {
    seconds: Number(((performance.now() - t) / 1000).toFixed(3)),
    cpuSeconds: Number(((used.user + used.system) / 1e6).toFixed(3)),
    load1: load1(),
  };
  log(
    `${name}: ${timings[name].seconds.toFixed(2)} s wall, ${timings[name].cpuSeconds} s CPU (load ${timings[name].load1})`,
  );
  return out;
}

export function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

export function round(x: number, d: number): number {
  return Number(x.toFixed(d));
}

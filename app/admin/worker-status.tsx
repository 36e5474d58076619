'use client';

import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { WorkerStatusDto } from '@/lib/validation/worker-status';

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

/** "Worker last seen 3 s ago" / "Worker down since …": the background worker's heartbeat, refreshed every 5 s. */
type Fetched = WorkerStatusDto & { receivedAt: number | null };

export function WorkerStatus({ initial }: { initial: WorkerStatusDto }) {
  const { data = { ...initial, receivedAt: null } } = useQuery({
    queryKey: ['admin', 'worker'],
    queryFn: async (): Promise<Fetched> => {
      const res = await fetch('/api/admin/worker', { cache: 'no-store' });
      if (!res.ok) throw new Error(`worker status: HTTP ${res.status}`);
      return { ...((await res.json()) as WorkerStatusDto), receivedAt: Date.now() };
    },
    initialData: { ...initial, receivedAt: null } as Fetched,
    refetchInterval: 5_000,
  });
  // A clock ticking every second so "3 s ago" counts up between polls (ages are measured on the server's clock).
  const [clock, setClock] = useState<number | null>(null);
  useEffect(() => {
    const t = setInterval(() => setClock(Date.now()), 1_000);
    return () => clearInterval(t);
  }, []);
  const sincePoll = clock !== null && data.receivedAt !== null ? Math.max(0, clock - data.receivedAt) : 0;
  const last = data.lastSeenAt ? new Date(data.lastSeenAt) : null;
  const age = last ? new Date(data.now).getTime() - last.getTime() + sincePoll : 0;

  let text: string;
  if (!last)
    text = 'Worker has never run against this database — model training and catalogue reloads will wait for it.';
  else if (data.alive) text = `Worker last seen ${ago(age)}`;
  else
    text = `Worker down since ${last.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' })} UTC (${ago(age)}) — retraining is unavailable until it is back.`;

  return (
    <p
      className={data.alive ? 'muted small' : 'form-error'}
      role="status"
      data-testid="worker-status"
      data-alive={data.alive}
    >
      <span aria-hidden>{data.alive ? '● ' : '○ '}</span>
      {text}
    </p>
  );
}

'use client';

import dynamic from 'next/dynamic';

// The charts measure their container, so they render in the browser only.
export const ActivityChartsLazy = dynamic(() => import('./activity-charts').then((m) => m.ActivityCharts), {
  ssr: false,
  loading: () => <p className="muted small">Loading charts…</p>,
});

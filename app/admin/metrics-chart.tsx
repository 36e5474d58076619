'use client';

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export interface MetricsPoint {
  version: string;
  'NDCG@10'?: number;
  'Recall@20'?: number;
  RMSE?: number;
}

/** Validation metrics per model version: ranking metrics on the left axis, RMSE on the right. */
export function MetricsChart({ data }: { data: MetricsPoint[] }) {
  return (
    <div
      style={{ width: '100%', height: 260, background: 'var(--bg-raised)', borderRadius: 12, padding: 12 }}
      data-testid="metrics-chart"
    >
      <ResponsiveContainer>
        <LineChart data={data}>
          <CartesianGrid stroke="#2a3240" />
          <XAxis dataKey="version" stroke="#9aa4b2" />
          <YAxis yAxisId="rank" stroke="#9aa4b2" domain={[0, 'auto']} />
          <YAxis yAxisId="rmse" orientation="right" stroke="#9aa4b2" domain={['auto', 'auto']} />
          <Tooltip contentStyle={{ background: '#161b22', border: '1px solid #2a3240' }} />
          <Legend />
          <Line
            isAnimationActive={false}
            yAxisId="rank"
            type="monotone"
            dataKey="NDCG@10"
            stroke="#f5b83d"
            strokeWidth={2}
          />
          <Line
            isAnimationActive={false}
            yAxisId="rank"
            type="monotone"
            dataKey="Recall@20"
            stroke="#4cc38a"
            strokeWidth={2}
          />
          <Line
            isAnimationActive={false}
            yAxisId="rmse"
            type="monotone"
            dataKey="RMSE"
            stroke="#7aa2ff"
            strokeWidth={2}
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

'use client';

import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { ActivityReport } from '@/lib/validation/admin-activity';

const AXIS = '#9aa4b2';
const TOOLTIP = { contentStyle: { background: '#161b22', border: '1px solid #2a3240' } };

/** Ratings, sign-ups and active members per day, and the distribution of members' ratings. */
export function ActivityCharts({ report }: { report: ActivityReport }) {
  const days = report.days.map((d) => ({ ...d, label: d.day.slice(5) }));
  return (
    <div className="admin-grid">
      <figure className="admin-panel" style={{ margin: 0 }} data-testid="chart-daily">
        <figcaption className="small muted">
          Ratings, sign-ups and active members per day (last {days.length} days)
        </figcaption>
        <div className="admin-chart">
          <ResponsiveContainer>
            <LineChart data={days}>
              <CartesianGrid stroke="#2a3240" />
              <XAxis dataKey="label" stroke={AXIS} minTickGap={16} />
              <YAxis stroke={AXIS} allowDecimals={false} />
              <Tooltip {...TOOLTIP} />
              <Legend />
              <Line
                isAnimationActive={false}
                type="monotone"
                dataKey="ratings"
                name="Ratings"
                stroke="#f5b83d"
                strokeWidth={2}
                dot={false}
              />
              <Line
                isAnimationActive={false}
                type="monotone"
                dataKey="signUps"
                name="Sign-ups"
                stroke="#4cc38a"
                strokeWidth={2}
                dot={false}
              />
              <Line
                isAnimationActive={false}
                type="monotone"
                dataKey="activeMembers"
                name="Active members"
                stroke="#7aa2ff"
                strokeWidth={2}
                dot={false}
              />
            </LineChart>
          </ResponsiveContainer>
        </div>
      </figure>
      <figure className="admin-panel" style={{ margin: 0 }} data-testid="chart-distribution">
        <figcaption className="small muted">Members&apos; ratings by value</figcaption>
        <div className="admin-chart">
          <ResponsiveContainer>
            <BarChart data={report.distribution}>
              <CartesianGrid stroke="#2a3240" />
              <XAxis dataKey="value" stroke={AXIS} />
              <YAxis stroke={AXIS} allowDecimals={false} />
              <Tooltip {...TOOLTIP} />
              <Bar isAnimationActive={false} dataKey="count" name="Ratings" fill="#f5b83d" />
            </BarChart>
          </ResponsiveContainer>
        </div>
      </figure>
    </div>
  );
}

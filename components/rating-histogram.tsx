'use client';

import { useRouter } from 'next/navigation';
import { Bar, BarChart, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { RatingHistogram } from '@/lib/validation/history';

/**
 * Bars of how many films the member gave each half-star value; clicking a bar filters the list to that value
 * (`hrefFor(value)`), and the selected value is highlighted. The links under the page's heading do the same without
 * a pointer.
 */
export function RatingHistogramChart({
  data,
  selected,
  hrefFor,
}: {
  data: RatingHistogram;
  selected?: number;
  hrefFor: Record<string, string>;
}) {
  const router = useRouter();
  const rows = data.map((d) => ({
    label: d.value % 1 === 0 ? String(d.value) : `${Math.floor(d.value) || ''}½`,
    value: d.value,
    count: d.count,
  }));
  return (
    <div className="histogram-chart" data-testid="rating-histogram">
      <ResponsiveContainer>
        <BarChart data={rows} margin={{ top: 6, right: 4, bottom: 0, left: -24 }}>
          <XAxis dataKey="label" stroke="#9aa4b2" tickLine={false} interval={0} fontSize={12} />
          <YAxis stroke="#9aa4b2" allowDecimals={false} fontSize={12} width={48} />
          <Tooltip
            cursor={{ fill: 'rgba(255,255,255,.05)' }}
            contentStyle={{ background: '#161b22', border: '1px solid #2a3240' }}
            formatter={(count) => [`${count} film${count === 1 ? '' : 's'}`, 'Rated']}
            labelFormatter={(label) => `★ ${label}`}
          />
          <Bar
            dataKey="count"
            isAnimationActive={false}
            radius={[3, 3, 0, 0]}
            cursor="pointer"
            onClick={(_data, index) => {
              const row = rows[index];
              if (row) router.push(hrefFor[String(row.value)]);
            }}
          >
            {rows.map((r) => (
              <Cell key={r.value} fill={selected === undefined || selected === r.value ? '#f5b83d' : '#5b4a25'} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { statusColour } from '../../components/statusColour';
import { QueryState } from '../../components/QueryState';
import { bucketByMinute } from './taskBuckets';
import { useRecentTasks } from './useRecentTasks';

export function TasksChart() {
  const recent = useRecentTasks();
  return (
    <section className="card" aria-labelledby="chart-title">
      <h2 id="chart-title">Tasks per minute, last hour</h2>
      <QueryState query={recent} label="tasks" isEmpty={(d) => d.tasks.length === 0} empty="No tasks in the last hour.">
        {({ tasks, partial }) => {
          const { buckets, statuses } = bucketByMinute(tasks, Date.now());
          return (
            <>
              {partial && <p className="muted">Showing the newest {tasks.length} tasks only.</p>}
              <div style={{ width: '100%', height: 260 }} role="img" aria-label={`${tasks.length} tasks in the last hour by status`}>
                <ResponsiveContainer>
                  <BarChart data={buckets}>
                    <CartesianGrid strokeDasharray="3 3" />
                    <XAxis dataKey="minute" interval={9} />
                    <YAxis allowDecimals={false} />
                    <Tooltip />
                    <Legend />
                    {statuses.map((s) => (
                      <Bar key={s} dataKey={s} stackId="status" fill={statusColour(s)} isAnimationActive={false} />
                    ))}
                  </BarChart>
                </ResponsiveContainer>
              </div>
            </>
          );
        }}
      </QueryState>
    </section>
  );
}

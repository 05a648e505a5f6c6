import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { QueryState } from '../../components/QueryState';
import { StatusBadge } from '../../components/StatusBadge';
import { TasksChart } from './TasksChart';

// The documents type `counts` loosely (a map of maps of numbers); read it defensively.
function countGroups(counts: unknown): [string, [string, number][]][] {
  if (!counts || typeof counts !== 'object') return [];
  return Object.entries(counts as Record<string, unknown>).map(([group, values]) => [
    group,
    Object.entries((values ?? {}) as Record<string, unknown>).map(([k, v]) => [k, Number(v)] as [string, number]),
  ]);
}

export function OverviewPage() {
  const status = useQuery({ queryKey: ['status'], queryFn: () => unwrap(api.GET('/status')), refetchInterval: 5000 });
  return (
    <div className="stack">
      <h1>Overview</h1>
      <QueryState query={status} label="the system status">
        {(s) => (
          <>
            <p>
              System <StatusBadge status={s.status} /> · version {s.version} · up {Math.round(Number(s.uptime))} s ·
              refreshes every 5 s
            </p>
            <div className="grid">
              <section className="card" aria-labelledby="services-title">
                <h2 id="services-title">Services and dependencies</h2>
                <table>
                  <thead>
                    <tr><th>Name</th><th>Health</th><th>Latency</th></tr>
                  </thead>
                  <tbody>
                    {Object.entries(s.services).map(([name, d]) => (
                      <tr key={name}>
                        <td>{name}</td>
                        <td>
                          <StatusBadge status={d.status} />
                          {d.error && <div className="muted">{d.error}</div>}
                        </td>
                        <td>{d.latencyMs == null ? '—' : `${Number(d.latencyMs).toFixed(1)} ms`}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </section>
              {countGroups(s.counts).map(([group, values]) => (
                <section className="card" key={group} aria-labelledby={`count-${group}`}>
                  <h2 id={`count-${group}`}>{group[0].toUpperCase() + group.slice(1)}</h2>
                  <dl className="counts">
                    {values.map(([k, v]) => (
                      <div key={k} className="row">
                        <dt>{k}</dt>
                        <dd>{v}</dd>
                      </div>
                    ))}
                  </dl>
                </section>
              ))}
            </div>
          </>
        )}
      </QueryState>
      <TasksChart />
    </div>
  );
}

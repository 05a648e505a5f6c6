import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { tasksApi, unwrap } from '../../api/client';
import { useAuth } from '../../auth/AuthProvider';
import { QueryState } from '../../components/QueryState';
import { StatusBadge } from '../../components/StatusBadge';
import { useDebounced } from '../../components/useDebounced';

const statuses = ['', 'queued', 'running', 'succeeded', 'failed', 'cancelled', 'timed_out'];
const windows = [['', 'any time'], ['60', 'last hour'], ['1440', 'last day']] as const;

export function TasksPage() {
  const { can } = useAuth();
  const [agent, setAgent] = useState('');
  const [status, setStatus] = useState('');
  const [window, setWindow] = useState('');
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const agentFilter = useDebounced(agent.trim(), 300);
  const cursor = cursors[cursors.length - 1];
  const tasks = useQuery({
    queryKey: ['tasks', agentFilter, status, window, cursor],
    placeholderData: keepPreviousData,
    refetchInterval: 5000,
    queryFn: () =>
      unwrap(
        tasksApi.GET('/tasks', {
          params: {
            query: {
              agent: agentFilter || undefined,
              status: status || undefined,
              since: window ? new Date(Date.now() - Number(window) * 60_000).toISOString() : undefined,
              limit: 25,
              cursor,
            },
          },
        }),
      ),
  });
  const reset = () => setCursors([undefined]);

  return (
    <div className="stack">
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h1>Tasks</h1>
        {can.operate && <Link to="/tasks/new" className="button-link">New task</Link>}
      </div>
      <div className="row">
        <label>Agent<input value={agent} onChange={(e) => { setAgent(e.target.value); reset(); }} /></label>
        <label>
          Status
          <select value={status} onChange={(e) => { setStatus(e.target.value); reset(); }}>
            {statuses.map((s) => <option key={s} value={s}>{s || 'any'}</option>)}
          </select>
        </label>
        <label>
          Created
          <select value={window} onChange={(e) => { setWindow(e.target.value); reset(); }}>
            {windows.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
          </select>
        </label>
      </div>
      <QueryState query={tasks} label="tasks" isEmpty={(p) => p.items.length === 0} empty="No tasks match.">
        {(page) => (
          <>
            <div className="table-scroll">
              <table aria-label="Tasks">
                <thead>
                  <tr><th>Task</th><th>Agent</th><th>Status</th><th>Created</th><th>Error</th></tr>
                </thead>
                <tbody>
                  {page.items.map((t) => (
                    <tr key={t.id}>
                      <td><Link to={`/tasks/${t.id}`}>{t.id.slice(0, 8)}</Link></td>
                      <td>{t.agent}</td>
                      <td><StatusBadge status={t.status} /></td>
                      <td>{new Date(t.createdAt).toLocaleString()}</td>
                      <td>{t.error}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="row">
              <button type="button" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>Previous page</button>
              <button type="button" disabled={!page.nextCursor} onClick={() => setCursors([...cursors, page.nextCursor ?? undefined])}>Next page</button>
            </div>
          </>
        )}
      </QueryState>
    </div>
  );
}

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { tasksApi, unwrap } from '../../api/client';
import { useAuth } from '../../auth/AuthProvider';
import { JsonView } from '../../components/JsonView';
import { ProblemAlert } from '../../components/ProblemAlert';
import { QueryState } from '../../components/QueryState';
import { StatusBadge } from '../../components/StatusBadge';
import { LogTail } from './LogTail';
import { StepDetails } from './StepDetails';
import { TaskGraph } from './TaskGraph';
import { isFinished } from './taskStatus';
import { useLogTail } from './useLogTail';

export function TaskPage() {
  const { id = '' } = useParams();
  const { can } = useAuth();
  const queryClient = useQueryClient();
  const task = useQuery({
    queryKey: ['task', id],
    queryFn: () => unwrap(tasksApi.GET('/tasks/{id}', { params: { path: { id } } })),
    // The stream says when something changed; polling is the fallback should an event be slow.
    refetchInterval: (q) => (q.state.data && isFinished(q.state.data.status) ? false : 3000),
  });
  // Every step or task event changes what GET /tasks/{id} answers: refetch so the graph follows the log.
  const tail = useLogTail(id, (event) => {
    if (event.type !== 'step.progress') void queryClient.invalidateQueries({ queryKey: ['task', id] });
  });
  const cancel = useMutation({
    mutationFn: () => unwrap(tasksApi.POST('/tasks/{id}/cancel', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['task', id] }),
  });

  return (
    <div className="stack">
      <p><Link to="/tasks">← All tasks</Link></p>
      <QueryState query={task} label="the task">
        {(t) => (
          <>
            <h1>
              Task <code>{t.id.slice(0, 8)}</code> <StatusBadge status={t.status} />
            </h1>
            <p className="muted">
              Agent {t.agent} · created {new Date(t.createdAt).toLocaleString()}
              {t.finishedAt && ` · finished ${new Date(t.finishedAt).toLocaleString()}`}
              {t.traceId && ` · trace ${t.traceId}`}
            </p>
            {t.error && <div role="alert" className="problem">{t.error}</div>}
            {can.operate && !isFinished(t.status) && (
              <button type="button" className="danger" onClick={() => cancel.mutate()} disabled={cancel.isPending} style={{ alignSelf: 'start' }}>
                Cancel task
              </button>
            )}
            {cancel.isError && <ProblemAlert error={cancel.error} />}
            <div className="split">
              <section aria-labelledby="graph-title" className="stack">
                <h2 id="graph-title">Steps</h2>
                <TaskGraph steps={t.steps} />
              </section>
              <section aria-labelledby="log-title" className="stack">
                <h2 id="log-title">Log</h2>
                <LogTail events={tail.events} state={tail.state} error={tail.error} />
              </section>
            </div>
            <section aria-labelledby="result-title" className="card">
              <h2 id="result-title">Result</h2>
              {isFinished(t.status) ? <JsonView value={t.result} label="Task result" /> : <p className="muted">Not finished yet.</p>}
            </section>
            <StepDetails steps={t.steps} />
          </>
        )}
      </QueryState>
    </div>
  );
}

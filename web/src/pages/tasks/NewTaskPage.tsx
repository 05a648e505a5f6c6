import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { tasksApi, unwrap } from '../../api/client';
import { useAuth } from '../../auth/AuthProvider';
import { ProblemAlert } from '../../components/ProblemAlert';
import { examples } from './examples';
import { ExamplePicker } from './ExamplePicker';
import { TaskEditor } from './TaskEditor';
import { TaskErrors } from './TaskErrors';
import { useTaskSchema } from './useTaskSchema';
import { checkTask } from './validateTask';

export default function NewTaskPage() {
  const { can, me } = useAuth();
  const navigate = useNavigate();
  const { schema, validate } = useTaskSchema();
  const [text, setText] = useState(() => JSON.stringify(examples[0].task(me?.agentName ?? 'my-agent'), null, 2));
  const check = checkTask(text, validate);

  const submit = useMutation({
    // respond-async: the task page watches it run, so there is no point waiting here.
    mutationFn: () =>
      unwrap(tasksApi.POST('/execute-task', { body: check.value, params: { header: { Prefer: 'respond-async' } } })),
    onSuccess: (task) => navigate(`/tasks/${task.id}`),
  });

  if (!can.operate) return <p>Your key can read tasks but not submit them.</p>;
  return (
    <div className="stack">
      <p><Link to="/tasks">← All tasks</Link></p>
      <h1>New task</h1>
      <ExamplePicker onPick={setText} />
      {schema.isError && <ProblemAlert error={schema.error} />}
      <TaskEditor value={text} onChange={setText} schema={schema.data ?? null} />
      <TaskErrors errors={check.errors} checking={!validate} />
      {submit.isError && <ProblemAlert error={submit.error} />}
      <button type="button" className="primary" disabled={check.errors.length > 0 || submit.isPending} onClick={() => submit.mutate()}>
        {submit.isPending ? 'Submitting…' : 'Run task'}
      </button>
    </div>
  );
}

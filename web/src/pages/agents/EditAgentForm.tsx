import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { agentsApi, api, unwrap } from '../../api/client';
import type { Agent, AgentStatus } from '../../api/types';
import { ProblemAlert } from '../../components/ProblemAlert';
import { QueryState } from '../../components/QueryState';
import { ToolPicker } from '../../components/ToolPicker';

/** Loads the agent with its ETag so the save is conditional: a change made meanwhile gives a 412, not a lost update. */
export function EditAgentForm({ name, onDone }: { name: string; onDone: () => void }) {
  const current = useQuery({
    queryKey: ['agent', name],
    queryFn: async () => {
      const result = await agentsApi.GET('/agents/{idOrName}', { params: { path: { idOrName: name } } });
      const agent = await unwrap(Promise.resolve(result));
      return { agent, etag: result.response.headers.get('ETag') ?? `"${agent.version}"` };
    },
  });
  return (
    <QueryState query={current} label="the agent">
      {({ agent, etag }) => <Form agent={agent} etag={etag} onDone={onDone} />}
    </QueryState>
  );
}

function Form({ agent, etag, onDone }: { agent: Agent; etag: string; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<AgentStatus>(agent.status);
  const [description, setDescription] = useState(agent.description ?? '');
  const [tools, setTools] = useState(agent.tools);
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PATCH('/agents/{idOrName}', {
          params: { path: { idOrName: agent.name }, header: { 'If-Match': etag } },
          body: { status, description, tools },
        }),
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['agents'] });
      void queryClient.invalidateQueries({ queryKey: ['agent', agent.name] });
      onDone();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form className="stack" onSubmit={submit} aria-label={`Edit agent ${agent.name}`}>
      <div className="row">
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value as AgentStatus)}>
            <option value="active">active</option>
            <option value="inactive">inactive</option>
          </select>
        </label>
        <label style={{ flex: 1 }}>
          Description
          <input value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
      </div>
      <ToolPicker value={tools} onChange={setTools} />
      {save.isError && <ProblemAlert error={save.error} />}
      <div className="row">
        <button type="submit" disabled={save.isPending}>Save changes</button>
        <button type="button" onClick={onDone}>Cancel</button>
      </div>
    </form>
  );
}

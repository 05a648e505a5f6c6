import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { fetchJson } from '../../api/client';
import type { Tool } from '../../api/types';
import { useAuth } from '../../auth/AuthProvider';
import { JsonView } from '../../components/JsonView';
import { ProblemAlert } from '../../components/ProblemAlert';
import { AgentInput } from '../../components/AgentInput';
import { SchemaForm } from '../../components/schema/SchemaForm';

/** The invocation answer. Its OpenAPI response is untyped (the handler returns IResult), so it is read loosely. */
interface InvocationOutcome {
  output?: unknown;
  isError?: boolean;
  error?: string | null;
  durationMs?: number;
  attempts?: number;
}

/** Invokes the tool as an agent that holds it, with arguments from a form generated from its input schema. */
export function TryIt({ tool }: { tool: Tool }) {
  const { me } = useAuth();
  // An agent key can only act as itself; an admin picks among the agents granted this tool.
  const ownAgent = me?.role === 'agent' ? me.agentName : null;
  const [chosen, setChosen] = useState('');
  const agent = ownAgent ?? chosen.trim();

  const invoke = useMutation({
    mutationFn: (args: Record<string, unknown>) =>
      fetchJson(`/tools/${encodeURIComponent(tool.name)}/invoke`, {
        method: 'POST',
        body: JSON.stringify({ agent, arguments: args }),
      }) as Promise<InvocationOutcome>,
  });

  return (
    <section className="card stack" aria-labelledby="try-title">
      <h2 id="try-title">Try it</h2>
      {ownAgent ? (
        <p>Runs as your agent <strong>{ownAgent}</strong>.</p>
      ) : (
        <AgentInput label="Run as agent" value={chosen} onChange={setChosen} tool={tool.name} />
      )}
      {agent ? (
        <SchemaForm schema={tool.inputSchema} submitLabel="Invoke" busy={invoke.isPending} onSubmit={(args) => invoke.mutate(args)} />
      ) : (
        <p className="muted">Choose an agent that holds {tool.name} (suggestions list those that do).</p>
      )}
      {invoke.isError && <ProblemAlert error={invoke.error} />}
      {invoke.isSuccess && (
        <div role="region" aria-label="Invocation result" className="stack">
          <p className={invoke.data.isError ? 'problem' : 'success'}>
            {invoke.data.isError ? `The tool failed: ${invoke.data.error ?? 'no reason given'}` : 'The tool succeeded'}
            {invoke.data.durationMs != null && ` in ${Math.round(invoke.data.durationMs)} ms`}
            {invoke.data.attempts != null && invoke.data.attempts > 1 && ` after ${invoke.data.attempts} attempts`}.
          </p>
          <JsonView value={invoke.data.output} label="Output" />
        </div>
      )}
    </section>
  );
}

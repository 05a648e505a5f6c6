import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { agentsApi, unwrap } from '../../api/client';
import { useAuth } from '../../auth/AuthProvider';
import { examples } from './examples';

/** Fills the editor with an example for a chosen agent; an agent key can only submit as itself. */
export function ExamplePicker({ onPick }: { onPick: (text: string) => void }) {
  const { me } = useAuth();
  const own = me?.role === 'agent' ? me.agentName : null;
  const agents = useQuery({
    queryKey: ['agents', 'active-for-tasks'],
    enabled: !own,
    queryFn: () => unwrap(agentsApi.GET('/agents', { params: { query: { status: 'active', limit: 200 } } })),
  });
  const [agent, setAgent] = useState('');
  const [example, setExample] = useState(0);
  const chosenAgent = own ?? (agent || agents.data?.items[0]?.name || 'my-agent');
  const holds = agents.data?.items.find((a) => a.name === chosenAgent)?.tools;
  const missing = holds ? examples[example].tools.filter((t) => !holds.includes(t)) : [];

  return (
    <fieldset className="row">
      <legend>Start from an example</legend>
      {own ? (
        <p>Agent: <strong>{own}</strong></p>
      ) : (
        <label>
          Agent
          <select value={chosenAgent} onChange={(e) => setAgent(e.target.value)}>
            {(agents.data?.items ?? []).map((a) => <option key={a.id} value={a.name}>{a.name}</option>)}
            {agents.data?.items.length === 0 && <option value="my-agent">no agents registered</option>}
          </select>
        </label>
      )}
      <label>
        Example
        <select value={example} onChange={(e) => setExample(Number(e.target.value))}>
          {examples.map((x, i) => <option key={x.name} value={i}>{x.name}</option>)}
        </select>
      </label>
      <button type="button" onClick={() => onPick(JSON.stringify(examples[example].task(chosenAgent), null, 2))}>
        Load example
      </button>
      {missing.length > 0 && <p className="muted">{chosenAgent} does not hold {missing.join(', ')}: the task will be refused.</p>}
    </fieldset>
  );
}

import { useState } from 'react';
import { useAuth } from '../../auth/AuthProvider';
import { AgentInput } from '../../components/AgentInput';
import { examples } from './examples';

/** Fills the editor with an example for a chosen agent; an agent key can only submit as itself. */
export function ExamplePicker({ onPick }: { onPick: (text: string) => void }) {
  const { me } = useAuth();
  const own = me?.role === 'agent' ? me.agentName : null;
  const [agent, setAgent] = useState('');
  const [example, setExample] = useState(0);
  const chosenAgent = own ?? (agent.trim() || 'my-agent');

  return (
    <fieldset className="row">
      <legend>Start from an example</legend>
      {own ? <p>Agent: <strong>{own}</strong></p> : <AgentInput label="Agent" value={agent} onChange={setAgent} />}
      <label>
        Example
        <select value={example} onChange={(e) => setExample(Number(e.target.value))}>
          {examples.map((x, i) => <option key={x.name} value={i}>{x.name}</option>)}
        </select>
      </label>
      <button type="button" onClick={() => onPick(JSON.stringify(examples[example].task(chosenAgent), null, 2))}>
        Load example
      </button>
      <p className="muted">Uses {examples[example].tools.join(', ')}: the agent must hold them.</p>
    </fieldset>
  );
}

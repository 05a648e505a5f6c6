import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { toolsApi, unwrap } from '../api/client';
import { useDebounced } from './useDebounced';

/**
 * Picks tool names by searching the registry (the same hybrid search as the Tools page: by meaning and by words,
 * typos and all), so an agent is only ever given tools that exist.
 */
export function ToolPicker({ value, onChange }: { value: string[]; onChange: (tools: string[]) => void }) {
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 200);
  const search = useQuery({
    queryKey: ['tools', 'picker', q],
    queryFn: () => unwrap(toolsApi.GET('/tools', { params: { query: { q: q || undefined, limit: 8 } } })),
  });
  const candidates = (search.data?.items ?? []).filter((t) => !value.includes(t.name));
  // A name typed exactly can be added even if the search does not list it (an MCP tool not synced yet, say);
  // the API checks every name and the form shows its answer.
  const typed = text.trim();
  const canAddTyped =
    typed !== '' && !value.includes(typed) && !candidates.some((t) => t.name === typed) && search.isSuccess && q === typed;

  return (
    <fieldset className="tool-picker">
      <legend>Tools</legend>
      {value.length === 0 ? (
        <p className="muted">No tools chosen.</p>
      ) : (
        <ul aria-label="Chosen tools" className="chips">
          {value.map((name) => (
            <li key={name}>
              <code>{name}</code>
              <button type="button" aria-label={`Remove ${name}`} onClick={() => onChange(value.filter((t) => t !== name))}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <label>
        Search tools
        <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="e.g. add numbers, or refund a payment" />
      </label>
      {search.isError && <p role="alert">Tool search failed.</p>}
      <ul aria-label="Tool search results" className="candidates">
        {candidates.map((tool) => (
          <li key={tool.id}>
            <button type="button" aria-label={`Add ${tool.name}`} onClick={() => onChange([...value, tool.name])}>
              + {tool.name}
            </button>{' '}
            <span className="muted">{tool.description}</span>
          </li>
        ))}
      </ul>
      {canAddTyped && (
        <button type="button" onClick={() => onChange([...value, typed])}>
          Add “{typed}” as typed
        </button>
      )}
    </fieldset>
  );
}

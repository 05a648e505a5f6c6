import { useId } from 'react';
import { useQuery } from '@tanstack/react-query';
import { agentsApi, unwrap } from '../api/client';
import { useDebounced } from './useDebounced';

interface Props {
  label: string;
  value: string;
  onChange: (name: string) => void;
  /** Suggest only agents holding this tool. */
  tool?: string;
}

/**
 * An agent name with suggestions from the registry as you type (a name prefix search). A text field rather than
 * a select, because a system can hold more agents than any list should show.
 */
export function AgentInput({ label, value, onChange, tool }: Props) {
  const listId = useId();
  const q = useDebounced(value.trim().toLowerCase(), 200);
  const suggestions = useQuery({
    queryKey: ['agents', 'suggest', q, tool],
    queryFn: () => unwrap(agentsApi.GET('/agents', { params: { query: { q: q || undefined, tool, status: 'active', limit: 20 } } })),
  });
  return (
    <label>
      {label}
      <input list={listId} value={value} onChange={(e) => onChange(e.target.value)} autoComplete="off" required />
      <datalist id={listId}>
        {(suggestions.data?.items ?? []).map((a) => <option key={a.id} value={a.name} />)}
      </datalist>
    </label>
  );
}

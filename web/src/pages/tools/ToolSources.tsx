import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { toolsApi, unwrap } from '../../api/client';
import type { SyncResult } from '../../api/types';
import { useAuth } from '../../auth/AuthProvider';
import { ProblemAlert } from '../../components/ProblemAlert';
import { QueryState } from '../../components/QueryState';
import { StatusBadge } from '../../components/StatusBadge';

function describeSync(r: SyncResult): string {
  return `${r.source}: ${r.added.length} added, ${r.updated.length} updated, ${r.disabled.length} disabled.`;
}

/** MCP servers whose tools join the registry as <source>.<tool>. */
export function ToolSources() {
  const { can } = useAuth();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const sources = useQuery({ queryKey: ['tool-sources'], queryFn: () => unwrap(toolsApi.GET('/tool-sources')) });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['tool-sources'] });
    void queryClient.invalidateQueries({ queryKey: ['tools'] });
  };
  const create = useMutation({
    mutationFn: () => unwrap(toolsApi.POST('/tool-sources', { body: { name, url } })),
    onSuccess: refresh,
  });
  const sync = useMutation({
    mutationFn: (source: string) => unwrap(toolsApi.POST('/tool-sources/{name}/sync', { params: { path: { name: source } } })),
    onSuccess: refresh,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const outcome = create.data ?? sync.data;

  return (
    <section className="card stack" aria-labelledby="sources-title">
      <h2 id="sources-title">MCP tool sources</h2>
      <QueryState query={sources} label="tool sources" isEmpty={(s) => s.length === 0} empty="No MCP sources registered.">
        {(list) => (
          <ul className="stack" style={{ listStyle: 'none', padding: 0 }}>
            {list.map((s) => (
              <li key={s.name} className="row">
                <strong>{s.name}</strong> <StatusBadge status={s.status} /> <span className="muted">{s.url} · {String(s.toolCount)} tools</span>
                {s.lastSyncError && <span className="problem">{s.lastSyncError}</span>}
                {can.admin && (
                  <button type="button" onClick={() => sync.mutate(s.name)} disabled={sync.isPending} aria-label={`Resync ${s.name}`}>
                    Resync
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </QueryState>
      {sync.isError && <ProblemAlert error={sync.error} />}
      {outcome && <p role="status" className="success">{describeSync(outcome)}</p>}
      {can.admin && (
        <form className="stack" onSubmit={submit} aria-label="Register an MCP source">
          <div className="row">
            <label>Source name<input value={name} onChange={(e) => setName(e.target.value)} required /></label>
            <label style={{ flex: 1 }}>MCP server URL<input type="url" value={url} onChange={(e) => setUrl(e.target.value)} required /></label>
          </div>
          {create.isError && <ProblemAlert error={create.error} />}
          <button type="submit" disabled={create.isPending}>Register source</button>
        </form>
      )}
    </section>
  );
}

import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { agentsApi, unwrap } from '../../api/client';
import { useAuth } from '../../auth/AuthProvider';
import { QueryState } from '../../components/QueryState';
import { useDebounced } from '../../components/useDebounced';
import { AgentsTable } from './AgentsTable';
import { RegisterAgentForm } from './RegisterAgentForm';

const pageSize = 20;

export function AgentsPage() {
  const { can } = useAuth();
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<'' | 'active' | 'inactive'>('');
  // Cursor paging only goes forward; the cursors already visited make "Previous" possible.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const q = useDebounced(search.trim().toLowerCase(), 250);
  const cursor = cursors[cursors.length - 1];

  const agents = useQuery({
    queryKey: ['agents', q, status, cursor],
    placeholderData: keepPreviousData,
    queryFn: () =>
      unwrap(
        agentsApi.GET('/agents', {
          params: { query: { q: q || undefined, status: status || undefined, limit: pageSize, cursor } },
        }),
      ),
  });
  const resetPaging = () => setCursors([undefined]);

  return (
    <div className="stack">
      <h1>Agents</h1>
      {can.admin && <RegisterAgentForm />}
      <section className="card stack" aria-labelledby="agents-list">
        <h2 id="agents-list">Registered agents</h2>
        <div className="row">
          <label>
            Search agents by name
            <input type="search" value={search} onChange={(e) => { setSearch(e.target.value); resetPaging(); }} />
          </label>
          <label>
            Status
            <select value={status} onChange={(e) => { setStatus(e.target.value as typeof status); resetPaging(); }}>
              <option value="">any</option>
              <option value="active">active</option>
              <option value="inactive">inactive</option>
            </select>
          </label>
        </div>
        <QueryState query={agents} label="agents" isEmpty={(p) => p.items.length === 0} empty="No agents match.">
          {(page) => (
            <>
              <AgentsTable agents={page.items} />
              <div className="row">
                <button type="button" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
                  Previous page
                </button>
                <button
                  type="button"
                  disabled={!page.nextCursor}
                  onClick={() => setCursors([...cursors, page.nextCursor ?? undefined])}
                >
                  Next page
                </button>
              </div>
            </>
          )}
        </QueryState>
      </section>
    </div>
  );
}

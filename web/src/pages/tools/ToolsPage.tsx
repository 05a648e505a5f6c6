import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { toolsApi, unwrap } from '../../api/client';
import { useAuth } from '../../auth/AuthProvider';
import { QueryState } from '../../components/QueryState';
import { useDebounced } from '../../components/useDebounced';
import { RegisterHttpToolForm } from './RegisterHttpToolForm';
import { ToolSources } from './ToolSources';

export function ToolsPage() {
  const { can } = useAuth();
  const [text, setText] = useState('');
  const [kind, setKind] = useState<'' | 'builtin' | 'http' | 'mcp'>('');
  const q = useDebounced(text.trim(), 200);
  const tools = useQuery({
    queryKey: ['tools', q, kind],
    placeholderData: keepPreviousData,
    queryFn: () => unwrap(toolsApi.GET('/tools', { params: { query: { q: q || undefined, kind: kind || undefined, limit: 50 } } })),
  });

  return (
    <div className="stack">
      <h1>Tools</h1>
      <section className="card stack" aria-labelledby="catalog-title">
        <h2 id="catalog-title">Catalog</h2>
        <div className="row">
          <label style={{ flex: 1 }}>
            Search tools
            <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="Say what you need (“will it rain tomorrow”) or a name, typos and all (“ad numbrs”)" />
          </label>
          <label>
            Kind
            <select value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
              <option value="">any</option>
              <option value="builtin">builtin</option>
              <option value="http">http</option>
              <option value="mcp">mcp</option>
            </select>
          </label>
        </div>
        <QueryState query={tools} label="tools" isEmpty={(p) => p.items.length === 0} empty="No tool matches.">
          {(page) => (
            <ol aria-label="Tool results" className="stack" style={{ paddingLeft: '1.2rem' }}>
              {page.items.map((tool) => {
                // Ranked results carry a score; it is not in the typed document, so it is read if present.
                const score = (tool as { score?: number }).score;
                return (
                  <li key={tool.id}>
                    <Link to={`/tools/${encodeURIComponent(tool.name)}`}>{tool.name}</Link>{' '}
                    <span className="muted">
                      {tool.kind}
                      {!tool.enabled && ' · disabled'}
                      {q && score != null && ` · score ${Number(score).toFixed(2)}`}
                    </span>
                    <div>{tool.description}</div>
                  </li>
                );
              })}
            </ol>
          )}
        </QueryState>
      </section>
      {can.admin && (
        <div className="split">
          <RegisterHttpToolForm />
          <ToolSources />
        </div>
      )}
      {!can.admin && <ToolSources />}
    </div>
  );
}

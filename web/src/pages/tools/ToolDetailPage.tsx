import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { toolsApi, unwrap } from '../../api/client';
import { useAuth } from '../../auth/AuthProvider';
import { QueryState } from '../../components/QueryState';
import { SchemaView } from '../../components/schema/SchemaView';
import { TryIt } from './TryIt';

export function ToolDetailPage() {
  const { name = '' } = useParams();
  const { can } = useAuth();
  const tool = useQuery({
    queryKey: ['tool', name],
    queryFn: () => unwrap(toolsApi.GET('/tools/{idOrName}', { params: { path: { idOrName: name } } })),
  });
  return (
    <div className="stack">
      <p><Link to="/tools">← All tools</Link></p>
      <QueryState query={tool} label="the tool">
        {(t) => (
          <>
            <h1>{t.name}</h1>
            <p>{t.description}</p>
            <p className="muted">
              {t.kind}
              {t.source && ` from ${t.source}`} · timeout {String(t.timeoutMs)} ms · {t.enabled ? 'enabled' : 'disabled'}
              {t.tags.length > 0 && ` · tags: ${t.tags.join(', ')}`}
            </p>
            <div className="split">
              <section className="card" aria-labelledby="schema-title">
                <h2 id="schema-title">Arguments</h2>
                <SchemaView schema={t.inputSchema} />
              </section>
              {can.operate ? <TryIt tool={t} /> : <p className="muted">Your key can read tools but not invoke them.</p>}
            </div>
          </>
        )}
      </QueryState>
    </div>
  );
}

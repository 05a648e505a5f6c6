import { Fragment, useState } from 'react';
import type { Agent } from '../../api/types';
import { useAuth } from '../../auth/AuthProvider';
import { StatusBadge } from '../../components/StatusBadge';
import { DeleteAgentButton } from './DeleteAgentButton';
import { EditAgentForm } from './EditAgentForm';

export function AgentsTable({ agents }: { agents: Agent[] }) {
  const { can } = useAuth();
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <div className="table-scroll">
      <table aria-label="Agents">
        <thead>
          <tr>
            <th>Name</th><th>Status</th><th>Tools</th><th>Description</th>{can.admin && <th>Actions</th>}
          </tr>
        </thead>
        <tbody>
          {agents.map((agent) => (
            <Fragment key={agent.id}>
              <tr>
                <td>{agent.name}</td>
                <td><StatusBadge status={agent.status} /></td>
                <td>{agent.tools.length ? agent.tools.join(', ') : <span className="muted">none</span>}</td>
                <td>{agent.description ?? ''}</td>
                {can.admin && (
                  <td className="row">
                    <button type="button" aria-label={`Edit ${agent.name}`} onClick={() => setEditing(editing === agent.id ? null : agent.id)}>
                      Edit
                    </button>
                    <DeleteAgentButton name={agent.name} />
                  </td>
                )}
              </tr>
              {editing === agent.id && (
                <tr>
                  <td colSpan={5}>
                    <EditAgentForm name={agent.name} onDone={() => setEditing(null)} />
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}

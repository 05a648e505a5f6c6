import { useState } from 'react';
import { JsonView } from '../JsonView';
import { fieldsOf } from './schemaFields';

/** A tool's input schema as a table of arguments, with the raw JSON a click away. */
export function SchemaView({ schema }: { schema: unknown }) {
  const [raw, setRaw] = useState(false);
  const fields = fieldsOf(schema);
  return (
    <div className="stack">
      {fields.length === 0 ? (
        <p className="muted">No arguments.</p>
      ) : (
        <table aria-label="Input schema">
          <thead>
            <tr><th>Argument</th><th>Type</th><th>Required</th><th>Description</th></tr>
          </thead>
          <tbody>
            {fields.map((f) => (
              <tr key={f.name}>
                <td><code>{f.name}</code></td>
                <td>{f.typeLabel}</td>
                <td>{f.required ? 'yes' : 'no'}</td>
                <td>
                  {f.description}
                  {f.defaultValue !== undefined && <span className="muted"> (default {JSON.stringify(f.defaultValue)})</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <button type="button" onClick={() => setRaw(!raw)} aria-expanded={raw}>
        {raw ? 'Hide' : 'Show'} the JSON Schema
      </button>
      {raw && <JsonView value={schema} label="Input JSON Schema" />}
    </div>
  );
}

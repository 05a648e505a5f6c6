import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { toolsApi, unwrap } from '../../api/client';
import { ProblemAlert } from '../../components/ProblemAlert';

const exampleSchema = JSON.stringify({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, null, 2);

export function RegisterHttpToolForm() {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [url, setUrl] = useState('');
  const [method, setMethod] = useState('POST');
  const [schema, setSchema] = useState(exampleSchema);
  const [schemaError, setSchemaError] = useState<string | null>(null);

  const create = useMutation({
    mutationFn: (inputSchema: unknown) =>
      unwrap(toolsApi.POST('/tools', { body: { name, description, kind: 'http', inputSchema, http: { url, method } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['tools'] }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    try {
      const parsed: unknown = JSON.parse(schema);
      setSchemaError(null);
      create.mutate(parsed);
    } catch {
      setSchemaError('The input schema is not valid JSON.');
    }
  };

  return (
    <form className="card stack" onSubmit={submit} aria-labelledby="http-tool-title">
      <h2 id="http-tool-title">Register an HTTP tool</h2>
      <label>Tool name<input value={name} onChange={(e) => setName(e.target.value)} required /></label>
      <label>Tool description<input value={description} onChange={(e) => setDescription(e.target.value)} required /></label>
      <div className="row">
        <label style={{ flex: 1 }}>URL<input type="url" value={url} onChange={(e) => setUrl(e.target.value)} required /></label>
        <label>
          Method
          <select value={method} onChange={(e) => setMethod(e.target.value)}>
            {['POST', 'GET', 'PUT', 'PATCH', 'DELETE'].map((m) => <option key={m}>{m}</option>)}
          </select>
        </label>
      </div>
      <label>
        Input schema (JSON Schema)
        <textarea rows={6} value={schema} onChange={(e) => setSchema(e.target.value)} aria-invalid={schemaError ? true : undefined} />
      </label>
      {schemaError && <p role="alert" className="problem">{schemaError}</p>}
      {create.isError && <ProblemAlert error={create.error} />}
      {create.isSuccess && <p role="status" className="success">Registered {create.data.name}.</p>}
      <button type="submit" disabled={create.isPending}>Register tool</button>
    </form>
  );
}

import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { ProblemAlert } from '../../components/ProblemAlert';
import { ToolPicker } from '../../components/ToolPicker';

export function RegisterAgentForm() {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [tools, setTools] = useState<string[]>([]);

  const register = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/register-agent', { body: { name, description: description || null, tools } })),
    onSuccess: () => {
      setName('');
      setDescription('');
      setTools([]);
      void queryClient.invalidateQueries({ queryKey: ['agents'] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    register.mutate();
  };
  // The agent's own key comes back once, at registration: show it now or never.
  const apiKey = register.data?.apiKey;

  return (
    <form className="card stack" onSubmit={submit} aria-labelledby="register-title">
      <h2 id="register-title">Register an agent</h2>
      <div className="row">
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required pattern="[a-zA-Z0-9][a-zA-Z0-9._\-]*" maxLength={64} />
        </label>
        <label style={{ flex: 1 }}>
          Description
          <input value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
      </div>
      <ToolPicker value={tools} onChange={setTools} />
      {register.isError && <ProblemAlert error={register.error} />}
      {register.isSuccess && (
        <div role="status" className="success">
          Registered agent <strong>{register.data.name}</strong>.
          {apiKey && (
            <p>
              Its API key, shown only this once: <code aria-label="New agent API key">{apiKey}</code>
            </p>
          )}
        </div>
      )}
      <button type="submit" disabled={register.isPending}>
        {register.isPending ? 'Registering…' : 'Register agent'}
      </button>
    </form>
  );
}

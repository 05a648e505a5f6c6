import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/problem';
import { ProblemAlert } from '../components/ProblemAlert';
import type { Problem } from '../api/types';
import { useAuth } from './AuthProvider';

export function SignInPage() {
  const { signIn } = useAuth();
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await signIn(key);
    } catch (error) {
      setProblem(
        error instanceof ApiError && error.status === 401
          ? { title: 'That key was not accepted', detail: 'Check that it is complete and has not been revoked.' }
          : error instanceof ApiError
            ? error.problem
            : { title: 'Cannot reach the API', detail: String(error) },
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="sign-in">
      <h1>Agent Orchestration</h1>
      <form onSubmit={submit} aria-labelledby="sign-in-title" className="card stack">
        <h2 id="sign-in-title">Sign in</h2>
        <p className="muted">
          Paste an API key. It is kept in this browser tab's session only and sent with every request.
        </p>
        <label>
          API key
          <input
            type="password"
            autoComplete="off"
            value={key}
            onChange={(e) => setKey(e.target.value)}
            required
            autoFocus
          />
        </label>
        {problem && <ProblemAlert problem={problem} />}
        <button type="submit" disabled={busy || key.trim() === ''}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

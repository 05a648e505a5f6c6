import { useEffect, useState } from 'react';
import { healthColour } from './status';

interface ServiceHealth {
  status: string;
  latencyMs?: number | null;
}

interface SystemStatus {
  status: string;
  version: string;
  services: Record<string, ServiceHealth>;
}

/** The overview until the full dashboard lands: the system's health from GET /status, refreshed every 5 s. */
export function App() {
  const [status, setStatus] = useState<SystemStatus | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    const load = async () => {
      try {
        const response = await fetch('/status');
        if (!response.ok) throw new Error(`GET /status answered ${response.status}`);
        const body = (await response.json()) as SystemStatus;
        if (!cancelled) {
          setStatus(body);
          setError(null);
        }
      } catch (e) {
        if (!cancelled) setError(e instanceof Error ? e.message : String(e));
      }
    };
    void load();
    const timer = setInterval(load, 5000);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, []);

  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', margin: '2rem' }}>
      <h1>Agent Orchestration</h1>
      {error && <p role="alert">Cannot reach the API: {error}</p>}
      {!status && !error && <p>Loading…</p>}
      {status && (
        <section aria-label="System status">
          <p>
            System: <strong style={{ color: healthColour(status.status) }}>{status.status}</strong> (v{status.version})
          </p>
          <ul>
            {Object.entries(status.services).map(([name, s]) => (
              <li key={name}>
                {name}: <span style={{ color: healthColour(s.status) }}>{s.status}</span>
                {s.latencyMs != null && ` (${s.latencyMs} ms)`}
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}

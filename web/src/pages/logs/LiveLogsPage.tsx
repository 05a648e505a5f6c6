import { useEffect, useState } from 'react';
import { streamLiveLogs } from '../../api/sse';
import type { ExecutionEvent } from '../../api/types';
import { useDebounced } from '../../components/useDebounced';
import { LogTail } from '../tasks/LogTail';
import type { TailState } from '../tasks/useLogTail';

const keep = 500; // the feed never ends: keep the newest lines only

export function LiveLogsPage() {
  const [agent, setAgent] = useState('');
  const [level, setLevel] = useState('');
  const agentFilter = useDebounced(agent.trim(), 400);
  const [events, setEvents] = useState<ExecutionEvent[]>([]);
  const [state, setState] = useState<TailState>('connecting');
  const [error, setError] = useState<string | null>(null);

  // The filters are applied by the server, so changing one starts a new stream.
  useEffect(() => {
    const controller = new AbortController();
    setEvents([]);
    setState('connecting');
    void streamLiveLogs(
      { agent: agentFilter || undefined, level: level || undefined },
      {
        signal: controller.signal,
        onEvent: (e) => setEvents((list) => [...list.slice(-(keep - 1)), e]),
        onConnectionChange: (c) => setState(c ? 'live' : 'reconnecting'),
        onError: (e) => setError(e.message),
        onEnd: () => setState('failed'),
      },
    );
    return () => controller.abort();
  }, [agentFilter, level]);

  return (
    <div className="stack">
      <h1>Live logs</h1>
      <p className="muted">Every task's events as they happen. Start a task to see it here.</p>
      <div className="row">
        <label>Agent<input value={agent} onChange={(e) => setAgent(e.target.value)} /></label>
        <label>
          Minimum level
          <select value={level} onChange={(e) => setLevel(e.target.value)}>
            {['', 'debug', 'info', 'warning', 'error'].map((l) => <option key={l} value={l}>{l || 'any'}</option>)}
          </select>
        </label>
        <button type="button" onClick={() => setEvents([])}>Clear</button>
      </div>
      <LogTail events={events} state={state} error={error} showTask />
    </div>
  );
}

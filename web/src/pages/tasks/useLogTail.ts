import { useEffect, useState } from 'react';
import { streamTaskLogs } from '../../api/sse';
import type { ExecutionEvent } from '../../api/types';

export type TailState = 'connecting' | 'live' | 'reconnecting' | 'ended' | 'failed';

/** The task's events from its SSE stream; reconnects and resumes after the last seq until the terminal event. */
export function useLogTail(taskId: string, onEvent?: (event: ExecutionEvent) => void) {
  const [events, setEvents] = useState<ExecutionEvent[]>([]);
  const [state, setState] = useState<TailState>('connecting');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    setEvents([]);
    setState('connecting');
    let ended = false;
    void streamTaskLogs(taskId, {
      signal: controller.signal,
      onEvent: (event) => {
        setEvents((list) => [...list, event]);
        onEvent?.(event);
      },
      onConnectionChange: (connected) => !ended && setState(connected ? 'live' : 'reconnecting'),
      onError: (e) => setError(e.message),
      onEnd: () => {
        ended = true;
        setState((s) => (s === 'reconnecting' || s === 'connecting' ? 'failed' : 'ended'));
      },
    });
    return () => controller.abort();
  }, [taskId]); // eslint-disable-line react-hooks/exhaustive-deps -- onEvent may change identity per render

  return { events, state, error };
}

import { useEffect, useRef } from 'react';
import type { ExecutionEvent } from '../../api/types';
import type { TailState } from './useLogTail';

const stateText: Record<TailState, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'connection lost, resuming…',
  ended: 'complete',
  failed: 'stopped',
};

export function formatEvent(e: ExecutionEvent): string {
  const time = e.at.slice(11, 23);
  return `${time} #${e.seq} ${e.level.padEnd(7)} ${e.stepId ? `[${e.stepId}] ` : ''}${e.type} ${e.message}`;
}

/** A scrolling log that follows new lines unless the reader has scrolled up to read. */
export function LogTail({ events, state, error, showTask }: { events: ExecutionEvent[]; state?: TailState; error?: string | null; showTask?: boolean }) {
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const el = list.current;
    if (el && el.scrollHeight - el.scrollTop - el.clientHeight < 80) el.scrollTop = el.scrollHeight;
  }, [events.length]);

  return (
    <div className="stack">
      {state && (
        <p className="muted" role="status">
          Log stream: {stateText[state]} · {events.length} events{error && state !== 'ended' ? ` · ${error}` : ''}
        </p>
      )}
      <ol ref={list} className="log-tail" role="log" aria-label="Log tail" tabIndex={0}>
        {events.length === 0 && <li className="muted">No events yet.</li>}
        {events.map((e) => (
          <li key={`${e.taskId}-${e.seq}`} className={`level-${e.level}`}>
            {showTask && <span>{e.agent} {e.taskId.slice(0, 8)} </span>}
            {formatEvent(e)}
          </li>
        ))}
      </ol>
    </div>
  );
}

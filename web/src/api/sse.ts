import { EventStreamContentType, fetchEventSource } from '@microsoft/fetch-event-source';
import { authHeaders, signOut } from '../auth/session';
import { problemFrom } from './problem';
import type { ExecutionEvent } from './types';

// EventSource cannot send the Authorization header, so the streams are read with fetch.

/** The events that end a task: its stream closes after one of them. */
export const terminalEventTypes = new Set(['task.succeeded', 'task.failed', 'task.cancelled', 'task.timed_out']);

export const isTerminal = (event: ExecutionEvent) => terminalEventTypes.has(event.type);

/** Stops retrying: a problem answer (401, 404) will not change by asking again. */
class FatalStreamError extends Error {}
/** The connection ended before the terminal event: reconnect and resume. */
class DroppedStreamError extends Error {}

export interface StreamOptions {
  onEvent: (event: ExecutionEvent) => void;
  onError?: (error: Error) => void;
  onConnectionChange?: (connected: boolean) => void;
  /** The stream ended for good: after the terminal event (task streams) or a fatal error. */
  onEnd?: () => void;
  signal: AbortSignal;
  retryMs?: number;
  fetch?: typeof fetch;
}

/**
 * GET /tasks/{id}/logs/stream. The server sends `id: seq` and resumes after Last-Event-ID, so a dropped
 * connection reconnects with the last seq seen; events at or below it (a replay) are dropped here too, so the
 * caller sees each seq once and in order. It ends after the terminal event.
 */
export function streamTaskLogs(taskId: string, options: StreamOptions): Promise<void> {
  let lastSeq = 0;
  let finished = false;
  return stream(`/tasks/${encodeURIComponent(taskId)}/logs/stream`, options, {
    accept(event) {
      const seq = Number(event.seq);
      if (seq <= lastSeq) return false;
      lastSeq = seq;
      if (isTerminal(event)) finished = true;
      return true;
    },
    lastEventId: () => (lastSeq > 0 ? String(lastSeq) : undefined),
    endsNormally: () => finished,
  });
}

/** GET /logs/stream: every task's events as they happen; it never ends, so any close reconnects. */
export function streamLiveLogs(filters: { agent?: string; level?: string }, options: StreamOptions): Promise<void> {
  const query = new URLSearchParams();
  if (filters.agent) query.set('agent', filters.agent);
  if (filters.level) query.set('level', filters.level);
  const qs = query.toString();
  return stream(`/logs/stream${qs ? `?${qs}` : ''}`, options, {
    accept: () => true,
    lastEventId: () => undefined,
    endsNormally: () => false,
  });
}

interface Policy {
  accept: (event: ExecutionEvent) => boolean;
  lastEventId: () => string | undefined;
  endsNormally: () => boolean;
}

async function stream(url: string, options: StreamOptions, policy: Policy): Promise<void> {
  const retryMs = options.retryMs ?? 1000;
  // fetch-event-source copies these headers once; the Last-Event-ID is set per attempt in the fetch below.
  const request: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    for (const [name, value] of Object.entries(authHeaders())) headers.set(name, value);
    const last = policy.lastEventId();
    if (last) headers.set('Last-Event-ID', last);
    else headers.delete('Last-Event-ID');
    return (options.fetch ?? globalThis.fetch)(input, { ...init, headers });
  };

  try {
    await fetchEventSource(url, {
      signal: options.signal,
      openWhenHidden: true, // a live tail in a background tab should keep its place, not reconnect on focus
      fetch: request,
      async onopen(response) {
        const type = response.headers.get('content-type') ?? '';
        if (response.ok && type.startsWith(EventStreamContentType)) {
          options.onConnectionChange?.(true);
          return;
        }
        if (response.status === 401) signOut();
        const error = await problemFrom(response);
        throw new FatalStreamError(error.problem.detail ?? error.problem.title ?? `HTTP ${response.status}`);
      },
      onmessage(message) {
        if (!message.data) return; // heartbeats carry no data
        const event = JSON.parse(message.data) as ExecutionEvent;
        if (policy.accept(event)) options.onEvent(event);
      },
      onclose() {
        if (policy.endsNormally()) return;
        options.onConnectionChange?.(false);
        throw new DroppedStreamError('The log stream closed early; resuming.');
      },
      onerror(error: unknown) {
        options.onConnectionChange?.(false);
        if (error instanceof FatalStreamError) throw error;
        options.onError?.(error instanceof Error ? error : new Error(String(error)));
        return retryMs; // reconnect after a pause; the fetch above resumes with Last-Event-ID
      },
    });
  } catch (error) {
    if (!options.signal.aborted) options.onError?.(error instanceof Error ? error : new Error(String(error)));
  } finally {
    if (!options.signal.aborted) options.onEnd?.();
  }
}

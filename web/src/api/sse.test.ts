import { describe, expect, it, vi } from 'vitest';
import { streamTaskLogs } from './sse';
import type { ExecutionEvent } from './types';
import { readKey, storeKey } from '../auth/session';

const event = (seq: number, type = 'step.succeeded'): ExecutionEvent => ({
  id: `e${seq}`, taskId: 't1', stepId: 'a', seq, at: '2026-01-01T00:00:00Z', level: 'info', type, message: '', data: null, agent: 'x', traceId: null,
});

/** An SSE answer that sends these events and then closes, like a dropped proxy connection or the stream's end. */
function sse(events: ExecutionEvent[]): Response {
  const body = events.map((e) => `id: ${e.seq}\ndata: ${JSON.stringify(e)}\n\n`).join('');
  return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
}

function run(fetch: typeof globalThis.fetch) {
  const seen: number[] = [];
  const done = streamTaskLogs('t1', { signal: new AbortController().signal, onEvent: (e) => seen.push(Number(e.seq)), retryMs: 1, fetch });
  return { seen, done };
}

describe('streamTaskLogs', () => {
  it('resumes after a dropped connection with Last-Event-ID and delivers each seq once', async () => {
    storeKey('aok_k');
    const fetch = vi
      .fn<typeof globalThis.fetch>()
      .mockResolvedValueOnce(sse([event(1), event(2)])) // closes before the terminal event
      .mockResolvedValueOnce(sse([event(2), event(3), event(4, 'task.succeeded')])); // a replayed 2, then the rest

    const { seen, done } = run(fetch);
    await done;

    expect(seen).toEqual([1, 2, 3, 4]);
    expect(fetch).toHaveBeenCalledTimes(2);
    const first = new Headers(fetch.mock.calls[0][1]?.headers);
    const second = new Headers(fetch.mock.calls[1][1]?.headers);
    expect(first.get('Last-Event-ID')).toBeNull();
    expect(second.get('Last-Event-ID')).toBe('2');
    expect(second.get('Authorization')).toBe('Bearer aok_k');
  });

  it('stops after the terminal event instead of reconnecting', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>().mockResolvedValue(sse([event(1), event(2, 'task.failed')]));
    const { seen, done } = run(fetch);
    await done;

    expect(seen).toEqual([1, 2]);
    expect(fetch).toHaveBeenCalledOnce();
  });

  it('gives up on a 401 and signs out rather than retrying forever', async () => {
    storeKey('aok_revoked');
    const fetch = vi.fn<typeof globalThis.fetch>().mockResolvedValue(
      new Response(JSON.stringify({ title: 'Unauthorized' }), { status: 401, headers: { 'Content-Type': 'application/problem+json' } }),
    );
    const { done } = run(fetch);
    await done;

    expect(fetch).toHaveBeenCalledOnce();
    expect(readKey()).toBeNull();
  });
});

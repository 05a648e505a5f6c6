import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, tasksApi, unwrap } from './client';
import { onSignedOut, readKey, storeKey } from '../auth/session';
import { json, problem } from '../test/render';

afterEach(() => vi.unstubAllGlobals());

describe('API client', () => {
  it('sends the stored key as a bearer token', async () => {
    storeKey('aok_abc');
    const fetch = vi.fn(async (_request: Request) => json({ items: [], nextCursor: null }));
    vi.stubGlobal('fetch', fetch);

    await unwrap(tasksApi.GET('/tasks', { params: { query: { limit: 5 } } }));

    const request = fetch.mock.calls[0][0];
    expect(request.headers.get('Authorization')).toBe('Bearer aok_abc');
    expect(new URL(request.url).search).toBe('?limit=5');
  });

  it('turns a problem answer into an ApiError carrying the code and field messages', async () => {
    vi.stubGlobal('fetch', vi.fn(async () =>
      problem(422, { title: 'Unknown tools', code: 'unknown_tools', errors: { '/tools/0': ["No tool named 'nope'."] } })));

    const error = await unwrap(api.POST('/register-agent', { body: { name: 'x', tools: ['nope'] } })).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(422);
    expect((error as ApiError).problem.code).toBe('unknown_tools');
    expect((error as ApiError).problem.errors).toEqual({ '/tools/0': ["No tool named 'nope'."] });
  });

  it('signs out on a 401 from any call', async () => {
    storeKey('aok_revoked');
    const signedOut = vi.fn();
    const stop = onSignedOut(signedOut);
    vi.stubGlobal('fetch', vi.fn(async () => problem(401, { title: 'Unauthorized' })));

    await expect(unwrap(api.GET('/status'))).rejects.toBeInstanceOf(ApiError);

    expect(readKey()).toBeNull();
    expect(signedOut).toHaveBeenCalledOnce();
    stop();
  });
});

import createClient, { type Middleware } from 'openapi-fetch';
import type { paths as ApiPaths } from './generated/api';
import type { paths as AgentPaths } from './generated/agents';
import type { paths as ToolPaths } from './generated/tools';
import type { paths as TaskPaths } from './generated/tasks';
import type { paths as LoggingPaths } from './generated/logging';
import { authHeaders, signOut } from '../auth/session';
import { ApiError, problemFrom } from './problem';
import type { Problem } from './types';

// Every call sends the key; a 401 means it is gone or revoked, so the user goes back to sign-in.
const auth: Middleware = {
  onRequest({ request }) {
    for (const [name, value] of Object.entries(authHeaders())) request.headers.set(name, value);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401) signOut();
    return response;
  },
};

// One client per document; they all talk to the gateway on this page's origin.
function client<Paths extends {}>() {
  const c = createClient<Paths>({
    baseUrl: globalThis.location?.origin ?? 'http://localhost',
    // Looked up per call rather than captured once, so tests can stand in for the network.
    fetch: (request) => globalThis.fetch(request),
  });
  c.use(auth);
  return c;
}

export const api = client<ApiPaths>();
export const agentsApi = client<AgentPaths>();
export const toolsApi = client<ToolPaths>();
export const tasksApi = client<TaskPaths>();
export const loggingApi = client<LoggingPaths>();

/** The data of a successful call, or throws the problem of a failed one (so TanStack Query sees an error). */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) {
    // openapi-fetch has already read the body: a problem object, or text when it was not JSON.
    const problem = error && typeof error === 'object' ? (error as Problem) : { detail: error ? String(error) : undefined };
    throw new ApiError(response.status, { title: `${response.status} ${response.statusText}`.trim(), status: response.status, ...problem });
  }
  return data as T;
}

/** A plain fetch with the key, for answers the documents do not type (the task schema, tool invocation). */
export async function fetchJson(path: string, init: RequestInit = {}): Promise<unknown> {
  const response = await fetch(path, {
    ...init,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...authHeaders(), ...init.headers },
  });
  if (response.status === 401) signOut();
  if (!response.ok) throw await problemFrom(response);
  return response.status === 204 ? null : response.json();
}

export { ApiError };

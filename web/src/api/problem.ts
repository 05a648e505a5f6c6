import type { Problem } from './types';

/** A failed API call: the RFC 9457 problem the API answered with (or one made up for a non-problem answer). */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    super(problem.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** Reads a failed response as a problem; a proxy's HTML error page or an empty body still gives a readable one. */
export async function problemFrom(response: Response): Promise<ApiError> {
  let problem: Problem = { title: `${response.status} ${response.statusText}`.trim(), status: response.status };
  try {
    const text = await response.text();
    const body: unknown = text ? JSON.parse(text) : null;
    if (body && typeof body === 'object') problem = { ...problem, ...(body as Problem) };
  } catch {
    // Not JSON: keep the status line.
  }
  return new ApiError(response.status, problem);
}

/** The problem behind any thrown value, so every error renders the same way. */
export function toProblem(error: unknown): Problem {
  if (error instanceof ApiError) return error.problem;
  if (error instanceof Error) return { title: 'Something went wrong', detail: error.message };
  return { title: 'Something went wrong', detail: String(error) };
}

/** The field messages of a problem as readable lines: "/tools/0: Unknown tool 'x'". */
export function fieldMessages(problem: Problem): { field: string; message: string }[] {
  return Object.entries(problem.errors ?? {}).flatMap(([field, messages]) =>
    messages.map((message) => ({ field, message })),
  );
}

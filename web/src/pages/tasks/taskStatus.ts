/** A task in one of these states will not change again: stop polling and expect its stream to end. */
export const finishedTaskStatuses = new Set(['succeeded', 'failed', 'cancelled', 'timed_out']);

export const isFinished = (status: string) => finishedTaskStatuses.has(status);

import type { TaskSummary } from '../../api/types';

export type MinuteBucket = { minute: string; start: number } & Record<string, number | string>;

/**
 * Tasks per minute by status over the window ending at `now`: one bucket per minute (empty minutes included, so
 * the time axis is even), each counting the tasks created in it by their current status.
 */
export function bucketByMinute(tasks: TaskSummary[], now: number, minutes = 60): { buckets: MinuteBucket[]; statuses: string[] } {
  const end = Math.floor(now / 60_000) * 60_000;
  const first = end - (minutes - 1) * 60_000;
  const buckets: MinuteBucket[] = Array.from({ length: minutes }, (_, i) => {
    const start = first + i * 60_000;
    return { start, minute: new Date(start).toISOString().slice(11, 16) };
  });
  const statuses = new Set<string>();
  for (const task of tasks) {
    const index = Math.floor((Date.parse(task.createdAt) - first) / 60_000);
    if (index < 0 || index >= minutes) continue;
    statuses.add(task.status);
    const bucket = buckets[index];
    bucket[task.status] = Number(bucket[task.status] ?? 0) + 1;
  }
  return { buckets, statuses: [...statuses].sort() };
}

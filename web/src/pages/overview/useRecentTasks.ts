import { useQuery } from '@tanstack/react-query';
import { tasksApi, unwrap } from '../../api/client';
import type { TaskSummary } from '../../api/types';

const maxPages = 5; // 1000 tasks an hour is plenty for a chart; beyond that the chart says it is partial

/** Every task created in the last hour (newest first), following the cursor a few pages. */
export function useRecentTasks() {
  return useQuery({
    queryKey: ['tasks', 'last-hour'],
    refetchInterval: 10_000,
    queryFn: async () => {
      const since = new Date(Date.now() - 60 * 60_000).toISOString();
      const tasks: TaskSummary[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < maxPages; page++) {
        const result = await unwrap(tasksApi.GET('/tasks', { params: { query: { since, limit: 200, cursor } } }));
        tasks.push(...result.items);
        if (!result.nextCursor) return { tasks, partial: false };
        cursor = result.nextCursor;
      }
      return { tasks, partial: true };
    },
  });
}

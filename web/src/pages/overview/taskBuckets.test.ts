import { describe, expect, it } from 'vitest';
import type { TaskSummary } from '../../api/types';
import { bucketByMinute } from './taskBuckets';

const now = Date.parse('2026-01-01T12:30:30Z');
const task = (createdAt: string, status: string): TaskSummary => ({ id: createdAt + status, agent: 'a', status, error: null, createdAt, finishedAt: null });

describe('bucketByMinute', () => {
  it('counts tasks per minute and status over the last hour, with empty minutes kept', () => {
    const { buckets, statuses } = bucketByMinute(
      [
        task('2026-01-01T12:30:10Z', 'succeeded'),
        task('2026-01-01T12:30:20Z', 'succeeded'),
        task('2026-01-01T12:30:25Z', 'failed'),
        task('2026-01-01T11:31:00Z', 'running'),
        task('2026-01-01T11:30:59Z', 'running'), // just outside the hour
      ],
      now,
    );

    expect(buckets).toHaveLength(60);
    expect(buckets[59]).toMatchObject({ minute: '12:30', succeeded: 2, failed: 1 });
    expect(buckets[0]).toMatchObject({ minute: '11:31', running: 1 });
    expect(buckets.slice(1, 59).every((b) => b.succeeded === undefined && b.running === undefined)).toBe(true);
    expect(statuses).toEqual(['failed', 'running', 'succeeded']);
  });
});

/**
 * One colour per status word across the dashboard (tasks, steps, services, agents), so "green" always means done
 * or healthy. The browser tests look for these exact colours on the graph nodes.
 */
export const statusColours = {
  succeeded: '#1a7f37',
  healthy: '#1a7f37',
  active: '#1a7f37',
  running: '#0969da',
  queued: '#6e7781',
  pending: '#6e7781',
  retrying: '#9a6700',
  degraded: '#9a6700',
  skipped: '#8c959f',
  inactive: '#8c959f',
  cancelled: '#8250df',
  failed: '#cf222e',
  timed_out: '#cf222e',
  unhealthy: '#cf222e',
} as const;

export function statusColour(status: string): string {
  return (statusColours as Record<string, string>)[status] ?? '#57606a';
}

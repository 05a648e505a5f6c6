/** The overall health word of GET /status and how the dashboard shows it. */
export type Health = 'healthy' | 'degraded' | 'unhealthy';

export function healthColour(health: string): string {
  switch (health) {
    case 'healthy':
      return '#1a7f37';
    case 'degraded':
      return '#9a6700';
    default:
      return '#cf222e';
  }
}

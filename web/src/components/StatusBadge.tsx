import { statusColour } from './statusColour';

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className="badge" style={{ background: statusColour(status) }}>
      {status}
    </span>
  );
}

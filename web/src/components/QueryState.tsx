import type { ReactNode } from 'react';
import { ProblemAlert } from './ProblemAlert';

interface Props<T> {
  query: { isPending: boolean; isError: boolean; error: unknown; data: T | undefined };
  /** What to say when the data is there but empty; when omitted, empty data renders like any other. */
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  label?: string;
  children: (data: T) => ReactNode;
}

/** The loading, error and empty states every list and detail view needs, in one place. */
export function QueryState<T>({ query, isEmpty, empty, label = 'data', children }: Props<T>) {
  if (query.isPending) return <p role="status" className="muted">Loading {label}…</p>;
  if (query.isError) return <ProblemAlert error={query.error} />;
  const data = query.data as T;
  if (isEmpty?.(data)) return <p className="empty">{empty ?? `No ${label} yet.`}</p>;
  return <>{children(data)}</>;
}

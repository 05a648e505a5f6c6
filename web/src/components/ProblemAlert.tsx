import { fieldMessages, toProblem } from '../api/problem';
import type { Problem } from '../api/types';

/** An API problem as people read it: the title, the detail, then each field's message. */
export function ProblemAlert({ problem, error }: { problem?: Problem; error?: unknown }) {
  const p = problem ?? toProblem(error);
  const fields = fieldMessages(p);
  return (
    <div role="alert" className="problem">
      <strong>{p.title ?? 'Request failed'}</strong>
      {p.detail && <p>{p.detail}</p>}
      {fields.length > 0 && (
        <ul aria-label="Field errors">
          {fields.map(({ field, message }) => (
            <li key={field + message}>
              {field && field !== '/' && <code>{field}</code>} {message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

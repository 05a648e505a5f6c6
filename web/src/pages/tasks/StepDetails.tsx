import type { StepView } from '../../api/types';
import { JsonView } from '../../components/JsonView';
import { StatusBadge } from '../../components/StatusBadge';

/** Each step's resolved input, output and error, folded so a long DAG stays scannable. */
export function StepDetails({ steps }: { steps: StepView[] }) {
  return (
    <section aria-labelledby="step-details-title" className="card stack">
      <h2 id="step-details-title">Step details</h2>
      {steps.map((s) => (
        <details key={s.id}>
          <summary>
            <strong>{s.id}</strong> <code>{s.tool}</code> <StatusBadge status={s.status} />
            <span className="muted">
              {' '}· {String(s.attempts)} attempt{Number(s.attempts) === 1 ? '' : 's'}
              {s.startedAt && s.finishedAt && ` · ${Date.parse(s.finishedAt) - Date.parse(s.startedAt)} ms`}
            </span>
          </summary>
          <div className="split">
            <JsonView value={s.input} label={`Input of ${s.id}`} />
            <JsonView value={s.output} label={`Output of ${s.id}`} />
          </div>
          {s.error && <p className="problem">{s.error}</p>}
        </details>
      ))}
    </section>
  );
}

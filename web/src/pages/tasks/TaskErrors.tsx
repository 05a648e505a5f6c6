/** The schema check of the editor's text, as a list a screen reader announces when it changes. */
export function TaskErrors({ errors, checking }: { errors: { path: string; message: string }[]; checking: boolean }) {
  return (
    <div aria-live="polite" aria-label="Task validation">
      {errors.length === 0 ? (
        <p className="success">{checking ? 'Valid JSON (loading the task schema…)' : 'Valid task.'}</p>
      ) : (
        <ul className="problem" aria-label="Task errors">
          {errors.map((e) => (
            <li key={e.path + e.message}>
              <code>{e.path}</code> {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

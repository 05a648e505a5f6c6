/** A JSON value, pretty-printed and scrollable; `null` and missing values say so instead of showing nothing. */
export function JsonView({ value, label }: { value: unknown; label: string }) {
  if (value === undefined || value === null) return <p className="muted">{label}: none</p>;
  return (
    <pre aria-label={label} className="json" tabIndex={0}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

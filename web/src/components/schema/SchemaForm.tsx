import { useId, useState, type FormEvent } from 'react';
import { fieldsOf, toArguments, type Field } from './schemaFields';

interface Props {
  schema: unknown;
  submitLabel: string;
  busy?: boolean;
  onSubmit: (args: Record<string, unknown>) => void;
}

/** A form generated from a JSON Schema's top-level properties; nested values are typed in as JSON. */
export function SchemaForm({ schema, submitLabel, busy, onSubmit }: Props) {
  const fields = fieldsOf(schema);
  const [values, setValues] = useState<Record<string, string | boolean>>(() => initialValues(fields));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = (name: string, value: string | boolean) => setValues((v) => ({ ...v, [name]: value }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const result = toArguments(fields, values);
    setErrors(result.errors);
    if (Object.keys(result.errors).length === 0) onSubmit(result.args);
  };

  return (
    <form className="stack" onSubmit={submit} noValidate aria-label="Tool arguments">
      {fields.length === 0 && <p className="muted">This tool takes no arguments.</p>}
      {fields.map((field) => (
        <FieldInput key={field.name} field={field} value={values[field.name]} error={errors[field.name]} onChange={set} />
      ))}
      <button type="submit" disabled={busy}>{busy ? 'Running…' : submitLabel}</button>
    </form>
  );
}

function initialValues(fields: Field[]): Record<string, string | boolean> {
  return Object.fromEntries(
    fields
      .filter((f) => f.defaultValue !== undefined)
      .map((f) => [
        f.name,
        f.kind === 'boolean' ? f.defaultValue === true
          : f.kind === 'json' || f.kind === 'enum' ? JSON.stringify(f.defaultValue)
          : String(f.defaultValue),
      ]),
  );
}

interface FieldProps {
  field: Field;
  value: string | boolean | undefined;
  error?: string;
  onChange: (name: string, value: string | boolean) => void;
}

function FieldInput({ field, value, error, onChange }: FieldProps) {
  const hintId = useId();
  const errorId = useId();
  const describedBy = [field.description ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ') || undefined;
  const common = { 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined, required: field.required };
  const label = `${field.name}${field.required ? ' *' : ''}`;
  const text = typeof value === 'string' ? value : '';

  let input;
  if (field.kind === 'boolean') {
    return (
      <label className="inline">
        <input type="checkbox" checked={value === true} onChange={(e) => onChange(field.name, e.target.checked)} {...common} />
        {label}
        {field.description && <span id={hintId} className="muted"> — {field.description}</span>}
      </label>
    );
  } else if (field.kind === 'enum') {
    input = (
      <select value={text} onChange={(e) => onChange(field.name, e.target.value)} {...common}>
        <option value="">choose…</option>
        {field.options!.map((o) => (
          <option key={JSON.stringify(o)} value={JSON.stringify(o)}>{String(o)}</option>
        ))}
      </select>
    );
  } else if (field.kind === 'json') {
    input = <textarea rows={3} value={text} onChange={(e) => onChange(field.name, e.target.value)} {...common} />;
  } else {
    const numeric = field.kind === 'number' || field.kind === 'integer';
    input = (
      <input
        type="text"
        inputMode={numeric ? 'decimal' : undefined}
        value={text}
        onChange={(e) => onChange(field.name, e.target.value)}
        {...common}
      />
    );
  }
  return (
    <label>
      <span>
        {label} <span className="muted">({field.typeLabel})</span>
      </span>
      {input}
      {field.description && <span id={hintId} className="muted">{field.description}</span>}
      {error && <span id={errorId} role="alert" className="problem">{error}</span>}
    </label>
  );
}

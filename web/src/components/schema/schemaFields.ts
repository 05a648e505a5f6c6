// Reads the part of a JSON Schema a form needs. Tool schemas are arbitrary JSON, so every access is defensive.

export type FieldKind = 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'json';

export interface Field {
  name: string;
  kind: FieldKind;
  required: boolean;
  description?: string;
  options?: unknown[];
  defaultValue?: unknown;
  /** The schema's own words for the type, for people: "array of string", "string (uri)". */
  typeLabel: string;
}

type Schema = Record<string, unknown>;

const asSchema = (value: unknown): Schema => (value && typeof value === 'object' ? (value as Schema) : {});

function typeOf(schema: Schema): string | undefined {
  const type = schema.type;
  // ["string", "null"] is how nullable is written; the form asks for the non-null part.
  if (Array.isArray(type)) return type.find((t) => t !== 'null') as string | undefined;
  return typeof type === 'string' ? type : undefined;
}

function typeLabel(schema: Schema): string {
  const type = typeOf(schema);
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  if (type === 'array') {
    const items = typeOf(asSchema(schema.items));
    return items ? `array of ${items}` : 'array';
  }
  if (type && typeof schema.format === 'string') return `${type} (${schema.format})`;
  return type ?? 'any JSON';
}

export function fieldsOf(inputSchema: unknown): Field[] {
  const schema = asSchema(inputSchema);
  const properties = asSchema(schema.properties);
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  return Object.entries(properties).map(([name, raw]) => {
    const p = asSchema(raw);
    const type = typeOf(p);
    const kind: FieldKind = Array.isArray(p.enum)
      ? 'enum'
      : type === 'string' || type === 'number' || type === 'integer' || type === 'boolean'
        ? type
        : 'json';
    return {
      name,
      kind,
      required: required.has(name),
      description: typeof p.description === 'string' ? p.description : undefined,
      options: Array.isArray(p.enum) ? p.enum : undefined,
      defaultValue: p.default,
      typeLabel: typeLabel(p),
    };
  });
}

/** The form's text values as typed arguments; an error per field that cannot be converted. */
export function toArguments(
  fields: Field[],
  values: Record<string, string | boolean>,
): { args: Record<string, unknown>; errors: Record<string, string> } {
  const args: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const value = values[field.name];
    if (field.kind === 'boolean') {
      if (value !== undefined) args[field.name] = value === true;
      continue;
    }
    const text = typeof value === 'string' ? value.trim() : '';
    if (text === '') {
      if (field.required) errors[field.name] = 'Required.';
      continue;
    }
    switch (field.kind) {
      case 'number':
      case 'integer': {
        const n = Number(text);
        if (!Number.isFinite(n) || (field.kind === 'integer' && !Number.isInteger(n))) {
          errors[field.name] = field.kind === 'integer' ? 'Must be a whole number.' : 'Must be a number.';
        } else args[field.name] = n;
        break;
      }
      case 'enum': {
        // The select's values are the JSON of each option, so numbers stay numbers.
        args[field.name] = JSON.parse(text);
        break;
      }
      case 'json':
        try {
          args[field.name] = JSON.parse(text);
        } catch {
          errors[field.name] = 'Must be valid JSON.';
        }
        break;
      default:
        args[field.name] = typeof value === 'string' ? value : text;
    }
  }
  return { args, errors };
}

import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';

export interface TaskCheck {
  /** The parsed task, when the text is JSON (even if it breaks the schema). */
  value?: unknown;
  errors: { path: string; message: string }[];
}

/** Compiles /schemas/task.json (draft 2020-12). Not strict: the schema may use annotations Ajv does not know. */
export function compileTaskSchema(schema: object): ValidateFunction {
  return new Ajv2020({ allErrors: true, strict: false }).compile(schema);
}

/** Checks editor text against the task schema; the messages name the JSON Pointer of each problem. */
export function checkTask(text: string, validate: ValidateFunction | null): TaskCheck {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { errors: [{ path: '', message: `Not valid JSON: ${e instanceof Error ? e.message : String(e)}` }] };
  }
  if (!validate || validate(value)) return { value, errors: [] };
  const errors = (validate.errors ?? []).map((e) => ({
    path: e.instancePath || '/',
    message:
      e.keyword === 'additionalProperties'
        ? `unknown property "${String(e.params.additionalProperty)}"`
        : e.keyword === 'required'
          ? `missing "${String(e.params.missingProperty)}"`
          : (e.message ?? e.keyword),
  }));
  // allErrors repeats the same message for each oneOf branch; show each once.
  const seen = new Set<string>();
  return { value, errors: errors.filter((e) => !seen.has(e.path + e.message) && seen.add(e.path + e.message)) };
}

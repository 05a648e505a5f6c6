import { describe, expect, it } from 'vitest';
import schema from '../../../openapi/task-schema.json';
import { examples } from './examples';
import { checkTask, compileTaskSchema } from './validateTask';

const validate = compileTaskSchema(schema);

describe('checkTask against /schemas/task.json', () => {
  it.each(examples.map((e) => [e.name, e]))('accepts the example "%s"', (_name, example) => {
    expect(checkTask(JSON.stringify(example.task('planner')), validate).errors).toEqual([]);
  });

  it('reports text that is not JSON', () => {
    const { errors } = checkTask('{ "agent": ', validate);
    expect(errors[0].message).toMatch(/^Not valid JSON/);
  });

  it('names the missing agent and the pointer of an unknown step property', () => {
    const { errors } = checkTask(JSON.stringify({ steps: [{ id: 'a', tool: 'echo', colour: 'red' }] }), validate);
    expect(errors).toContainEqual({ path: '/', message: 'missing "agent"' });
    expect(errors).toContainEqual({ path: '/steps/0', message: 'unknown property "colour"' });
  });
});

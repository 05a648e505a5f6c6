// @vitest-environment node
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import openapiTS, { astToString } from 'openapi-typescript';

// The generated types must be what the committed snapshots produce: editing one without the other is a mistake
// that would otherwise only show up as confusing type errors later.
describe('generated API types', () => {
  it.each(['api', 'agents', 'tools', 'tasks', 'logging'])('src/api/generated/%s.ts is up to date with its snapshot', async (name) => {
    const document = JSON.parse(await readFile(`openapi/${name}.json`, 'utf8'));
    const expected = astToString(await openapiTS(document, { alphabetize: true }));
    const committed = await readFile(`src/api/generated/${name}.ts`, 'utf8');
    expect(committed.slice(committed.indexOf('\n') + 1), 'run `npm run generate:api` and commit the result').toBe(expected);
  });
});

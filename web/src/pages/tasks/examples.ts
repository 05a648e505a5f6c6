// Tasks to start from in the editor. They use builtin tools only, so they run on a fresh system once the agent
// holds those tools.

export interface Example {
  name: string;
  tools: string[];
  task: (agent: string) => object;
}

export const examples: Example[] = [
  {
    name: 'Diamond: a → (b, c) → d',
    tools: ['math.add', 'math.multiply'],
    task: (agent) => ({
      agent,
      steps: [
        { id: 'a', tool: 'math.add', arguments: { a: 1, b: 2 } },
        { id: 'b', tool: 'math.multiply', arguments: { a: '{{steps.a.output.result}}', b: 10 }, dependsOn: ['a'] },
        { id: 'c', tool: 'math.add', arguments: { a: '{{steps.a.output.result}}', b: 100 }, dependsOn: ['a'] },
        {
          id: 'd',
          tool: 'math.add',
          arguments: { a: '{{steps.b.output.result}}', b: '{{steps.c.output.result}}' },
          dependsOn: ['b', 'c'],
        },
      ],
      output: '{{steps.d.output.result}}',
    }),
  },
  {
    name: 'Two steps: add, then multiply',
    tools: ['math.add', 'math.multiply'],
    task: (agent) => ({
      agent,
      steps: [
        { id: 'a', tool: 'math.add', arguments: { a: 2, b: 3 } },
        { id: 'b', tool: 'math.multiply', arguments: { a: '{{steps.a.output.result}}', b: 10 }, dependsOn: ['a'] },
      ],
      output: '{{steps.b.output.result}}',
    }),
  },
  {
    name: 'Retries: a step that fails, kept going',
    tools: ['fail', 'echo'],
    task: (agent) => ({
      agent,
      steps: [
        { id: 'flaky', tool: 'fail', arguments: { message: 'on purpose' }, retry: { maxAttempts: 3, backoffMs: 200 }, continueOnError: true },
        { id: 'report', tool: 'echo', arguments: { text: 'flaky ended {{steps.flaky.status}}' }, dependsOn: ['flaky'] },
      ],
    }),
  },
  {
    name: 'Short form: one tool call',
    tools: ['text.upper'],
    task: (agent) => ({ agent, tool: 'text.upper', arguments: { text: 'hello' } }),
  },
];

import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import type { StepView } from '../../api/types';
import { statusColours } from '../../components/statusColour';
import { layoutSteps } from './graphLayout';
import { TaskGraph } from './TaskGraph';

const step = (id: string, status: string, dependsOn: string[] = []): StepView => ({
  id, tool: 'math.add', status, dependsOn, attempts: 1, input: null, output: null, error: null, startedAt: null, finishedAt: null,
});

const diamond = [step('a', 'succeeded'), step('b', 'running', ['a']), step('c', 'failed', ['a']), step('d', 'pending', ['b', 'c'])];

describe('TaskGraph', () => {
  it('colours each step node by its status', () => {
    render(<TaskGraph steps={diamond} />);

    expect(screen.getByLabelText('Step a: succeeded')).toHaveStyle({ background: statusColours.succeeded });
    expect(screen.getByLabelText('Step b: running')).toHaveStyle({ background: statusColours.running });
    expect(screen.getByLabelText('Step c: failed')).toHaveStyle({ background: statusColours.failed });
    expect(screen.getByLabelText('Step d: pending')).toHaveStyle({ background: statusColours.pending });
  });

  it('recolours a node when its step changes status', () => {
    const { rerender } = render(<TaskGraph steps={diamond} />);
    rerender(<TaskGraph steps={diamond.map((s) => (s.id === 'b' ? { ...s, status: 'succeeded' } : s))} />);

    expect(screen.getByLabelText('Step b: succeeded')).toHaveStyle({ background: statusColours.succeeded });
    expect(screen.queryByLabelText('Step b: running')).toBeNull();
  });

  it('lays a diamond out in dependency order with the parallel steps side by side', () => {
    const { nodes, edges } = layoutSteps(diamond);
    const x = Object.fromEntries(nodes.map((n) => [n.id, n.position.x]));
    const y = Object.fromEntries(nodes.map((n) => [n.id, n.position.y]));

    expect(x.a).toBeLessThan(x.b);
    expect(x.b).toBe(x.c);
    expect(y.b).not.toBe(y.c);
    expect(x.d).toBeGreaterThan(x.b);
    expect(edges.map((e) => e.id).sort()).toEqual(['a->b', 'a->c', 'b->d', 'c->d']);
  });
});

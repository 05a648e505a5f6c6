import type { Edge, Node } from '@xyflow/react';
import type { StepView } from '../../api/types';
import { statusColour } from '../../components/statusColour';

export type StepNodeData = { id: string; tool: string; status: string; colour: string };

/**
 * Places each step in a column by its depth (the longest chain of dependencies before it), so a DAG reads left
 * to right in execution order; steps of the same depth, which may run in parallel, stack in the column.
 */
export function layoutSteps(steps: StepView[]): { nodes: Node<StepNodeData>[]; edges: Edge[] } {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const depth = new Map<string, number>();
  const depthOf = (id: string, seen: Set<string> = new Set()): number => {
    if (depth.has(id)) return depth.get(id)!;
    if (seen.has(id)) return 0; // a cycle is refused by the API; do not loop if one ever arrives
    seen.add(id);
    const deps = (byId.get(id)?.dependsOn ?? []).filter((d) => byId.has(d));
    const d = deps.length === 0 ? 0 : 1 + Math.max(...deps.map((p) => depthOf(p, seen)));
    depth.set(id, d);
    return d;
  };
  const rows = new Map<number, number>();
  const nodes = steps.map((step) => {
    const column = depthOf(step.id);
    const row = rows.get(column) ?? 0;
    rows.set(column, row + 1);
    return {
      id: step.id,
      type: 'step',
      position: { x: column * 220, y: row * 90 },
      data: { id: step.id, tool: step.tool, status: step.status, colour: statusColour(step.status) },
    };
  });
  const edges = steps.flatMap((step) =>
    (step.dependsOn ?? []).map((dep) => ({
      id: `${dep}->${step.id}`,
      source: dep,
      target: step.id,
      animated: step.status === 'running',
    })),
  );
  return { nodes, edges };
}

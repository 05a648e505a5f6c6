import { useMemo } from 'react';
import { Background, Controls, Handle, Position, ReactFlow, type Node, type NodeProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { StepView } from '../../api/types';
import { layoutSteps, type StepNodeData } from './graphLayout';

function StepNode({ data }: NodeProps<Node<StepNodeData>>) {
  return (
    <div
      className="step-node"
      role="img"
      aria-label={`Step ${data.id}: ${data.status}`}
      data-status={data.status}
      style={{ background: data.colour }}
    >
      <Handle type="target" position={Position.Left} />
      <strong>{data.id}</strong>
      <div>{data.tool}</div>
      <div>{data.status}</div>
      <Handle type="source" position={Position.Right} />
    </div>
  );
}

const nodeTypes = { step: StepNode };

/** The task's steps as a DAG, each node in its status colour; re-rendered as the task's status changes. */
export function TaskGraph({ steps }: { steps: StepView[] }) {
  const { nodes, edges } = useMemo(() => layoutSteps(steps), [steps]);
  return (
    <div className="graph" aria-label="Step graph" role="group">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        fitView
        nodesDraggable={false}
        nodesConnectable={false}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}

/**
 * A definition or run drawn as an SVG graph, laid out by elkjs: start and end events as
 * circles, activities as boxes, DAG works as boxes with a notched side, gateways as diamonds
 * (× exclusive, + parallel, ○ conditional, ⧓ converge), sub-processes as dashed frames around
 * their nodes. With `states` (a run), each node is coloured by its state and shows it as a word.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Graph, NodeStateView } from '../api/api-types';
import { layoutGraph } from '../lib/graph-layout';
import { SMALL_KINDS, type Drawing, type PlacedNode } from '../lib/graph-model';
import { NOT_RUN_COLORS, nodeStateColors, nodeStateWord } from '../lib/node-colors';
import { ErrorMessage } from './error-message';

export interface GraphViewProps {
  graph: Graph;
  /** A run's node states by node id (flattened); absent for a definition. */
  states?: Record<string, NodeStateView>;
  selected?: string | null;
  onSelect?: (nodeId: string) => void;
}

const GATEWAY_SYMBOL: Record<string, string> = { exclusive: '×', parallel: '+', conditional_parallel: '○', converge: '⧓' };

export function GraphView({ graph, states, selected, onSelect }: GraphViewProps) {
  const [drawing, setDrawing] = useState<Drawing | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    let live = true;
    layoutGraph(graph).then(
      (d) => live && setDrawing(d),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [graph]);
  if (error) return <ErrorMessage error={error} />;
  if (!drawing) return <p class="muted">Laying out…</p>;
  return (
    <div class="graph-scroll">
      <svg class="graph" width={drawing.width} height={drawing.height + 16} viewBox={`0 0 ${drawing.width} ${drawing.height + 16}`} role="img" aria-label="pipeline graph">
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill="#64748b" />
          </marker>
        </defs>
        {drawing.nodes
          .filter((n) => n.kind === 'subprocess')
          .map((n) => (
            <NodeShape key={n.id} node={n} states={states} selected={selected} onSelect={onSelect} />
          ))}
        {drawing.edges.map((e) => (
          <g key={e.id} class="edge" data-edge-id={e.id}>
            <polyline points={e.points.map((p) => `${p.x},${p.y}`).join(' ')} fill="none" stroke="#64748b" stroke-width="1.4" marker-end="url(#arrow)" />
            {e.label && (
              <text x={e.label.x + 3} y={e.label.y + 11} class="edge-label">
                {e.label.text}
              </text>
            )}
          </g>
        ))}
        {drawing.nodes
          .filter((n) => n.kind !== 'subprocess')
          .map((n) => (
            <NodeShape key={n.id} node={n} states={states} selected={selected} onSelect={onSelect} />
          ))}
      </svg>
    </div>
  );
}

function NodeShape({ node, states, selected, onSelect }: { node: PlacedNode; states?: Record<string, NodeStateView>; selected?: string | null; onSelect?: (id: string) => void }) {
  const view = states?.[node.id];
  const colors = states ? nodeStateColors(view?.state) : NOT_RUN_COLORS;
  const word = states ? nodeStateWord(view?.state, view?.skip) : null;
  const { x, y, width: w, height: h } = node;
  const isSelected = selected === node.id;
  const stroke = isSelected ? '#0f172a' : colors.stroke;
  const strokeWidth = isSelected ? 3 : 1.6;
  const label = node.name ?? node.id;
  const common = {
    class: `node node-${node.kind}${isSelected ? ' selected' : ''}`,
    'data-node-id': node.id,
    'data-kind': node.kind,
    'data-state': view?.state ?? (states ? 'NOT_RUN' : undefined),
    onClick: (e: MouseEvent) => {
      e.stopPropagation();
      onSelect?.(node.id);
    },
    role: 'button' as const,
    'aria-label': `${node.kind} ${label}${word ? ` ${word}` : ''}`,
  };
  if (node.kind === 'subprocess') {
    return (
      <g {...common}>
        <rect x={x} y={y} width={w} height={h} rx={10} fill={states ? colors.fill : '#f8fafc'} fill-opacity={0.55} stroke={stroke} stroke-width={strokeWidth} stroke-dasharray="6 4" />
        <text x={x + 10} y={y + 18} class="node-title" fill={colors.text}>
          ⊞ {label}
          {word ? ` — ${word}` : ''}
        </text>
      </g>
    );
  }
  if (SMALL_KINDS.has(node.kind)) {
    const cx = x + w / 2;
    const cy = y + h / 2;
    const shape =
      node.kind === 'start' || node.kind === 'end' ? (
        <circle cx={cx} cy={cy} r={w / 2 - 1} fill={colors.fill} stroke={stroke} stroke-width={node.kind === 'end' ? strokeWidth + 2.4 : strokeWidth} />
      ) : (
        <>
          <polygon points={`${cx},${y} ${x + w},${cy} ${cx},${y + h} ${x},${cy}`} fill={colors.fill} stroke={stroke} stroke-width={strokeWidth} />
          <text x={cx} y={cy + 6} text-anchor="middle" class="gateway-symbol" fill={colors.text}>
            {GATEWAY_SYMBOL[node.kind]}
          </text>
        </>
      );
    return (
      <g {...common}>
        {shape}
        <text x={cx} y={y + h + 12} text-anchor="middle" class="small-label">
          {shortLabel(label, 22)}
        </text>
        {word && (
          <text x={cx} y={y + h + 24} text-anchor="middle" class="state-word" fill={colors.text}>
            {word}
          </text>
        )}
      </g>
    );
  }
  // Activities and DAG works.
  const body =
    node.kind === 'dag_work' ? (
      <polygon points={`${x + 10},${y} ${x + w},${y} ${x + w},${y + h} ${x + 10},${y + h} ${x},${y + h / 2}`} fill={colors.fill} stroke={stroke} stroke-width={strokeWidth} />
    ) : (
      <rect x={x} y={y} width={w} height={h} rx={8} fill={colors.fill} stroke={stroke} stroke-width={strokeWidth} />
    );
  return (
    <g {...common}>
      {body}
      <text x={x + w / 2} y={y + 18} text-anchor="middle" class="node-title" fill={colors.text}>
        {shortLabel(label, 24)}
      </text>
      <text x={x + w / 2} y={y + 33} text-anchor="middle" class="node-sub">
        {node.kind === 'dag_work' ? `${node.component ?? ''} · ${node.triggerRule ?? ''}` : (node.component ?? '')}
      </text>
      {word && (
        <text x={x + w / 2} y={y + 52} text-anchor="middle" class="state-word" fill={colors.text}>
          {word}
        </text>
      )}
    </g>
  );
}

function shortLabel(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * The node panel of a run: state, inputs, outputs, `ex_data`, histories, the node's events,
 * and its operations as buttons (each confirmed in a dialog). Refreshed every second.
 */
import { useState } from 'preact/hooks';
import { ApiError } from '../api/api-client';
import type { Graph, NodeStateView } from '../api/api-types';
import { api } from '../api/session';
import { operationAllowed, operationsFor, type NodeOperationSpec } from '../lib/node-operations';
import { nodeStateWord } from '../lib/node-colors';
import { ErrorMessage } from './error-message';
import { JsonView } from './json-view';
import { OperationDialog } from './operation-dialog';
import { StateBadge } from './state-badge';
import { useApi } from './use-api';
import { useRunEvents } from './use-run-events';

export interface NodeDetailProps {
  runId: string;
  nodeId: string;
  graph: Graph;
  /** The node's state in the run (undefined: not run yet). */
  state: NodeStateView | undefined;
  onChanged: () => void;
  onClose: () => void;
}

export function NodeDetail({ runId, nodeId, graph, state, onChanged, onClose }: NodeDetailProps) {
  const node = graph.nodes.find((n) => n.id === nodeId);
  const detail = useApi(() => api.getNode(runId, nodeId).catch((e: unknown) => (e instanceof ApiError && e.status === 404 ? null : Promise.reject(e))), [runId, nodeId], 1000);
  const events = useRunEvents(runId);
  const [operation, setOperation] = useState<NodeOperationSpec | null>(null);
  if (!node) return null;
  const d = detail.data;
  const nodeEvents = events.events.filter((e) => e.nodeId === nodeId);
  return (
    <aside class="node-detail" aria-label="node detail" data-node-id={nodeId}>
      <div class="row space">
        <h3>
          {node.name ?? node.id} <code class="muted">{node.id}</code>
        </h3>
        <button type="button" onClick={onClose} aria-label="close node detail">
          ✕
        </button>
      </div>
      <p>
        {node.kind}
        {node.component ? ` · ${node.component}` : ''} · <StateBadge state={nodeStateWord(state?.state, state?.skip)} />
        {state && ` · version ${state.version}, retries ${state.retries}, loop ${state.loop}`}
      </p>
      <div class="ops" role="group" aria-label="node operations">
        {operationsFor(node.kind).map((spec) => (
          <button key={spec.op} type="button" data-op={spec.op} disabled={!operationAllowed(spec.op, state?.state)} onClick={() => setOperation(spec)}>
            {spec.label}
          </button>
        ))}
      </div>
      <ErrorMessage error={detail.error ?? events.error} />
      {detail.data === null && <p class="muted">This node has not run yet.</p>}
      {d && (
        <>
          <h4>Inputs</h4>
          <JsonView value={d.inputs} label="inputs" />
          <h4>Outputs</h4>
          <JsonView value={d.outputs} label="outputs" />
          <h4>ex_data</h4>
          <JsonView value={d.exData} label="ex_data" />
          <h4>Histories ({d.histories.length})</h4>
          {d.histories.length === 0 && <p class="muted">None.</p>}
          {d.histories.map((h) => (
            <details key={h.id}>
              <summary>
                {h.kind} · version {h.version} · {h.state} {h.finishedAt ? `· ${new Date(h.finishedAt).toLocaleTimeString()}` : ''}
              </summary>
              <JsonView value={{ inputs: h.inputs, outputs: h.outputs, exData: h.exData }} />
            </details>
          ))}
        </>
      )}
      <h4>Events ({nodeEvents.length})</h4>
      <ol class="events" data-testid="node-events">
        {nodeEvents.map((e) => (
          <li key={e.id}>
            <code>#{e.seq}</code> {e.eventType} <span class="muted">{new Date(e.time).toLocaleTimeString()}</span>
          </li>
        ))}
      </ol>
      {operation && (
        <OperationDialog
          runId={runId}
          nodeId={nodeId}
          version={state?.version ?? d?.version}
          spec={operation}
          graph={graph}
          onClose={() => setOperation(null)}
          onDone={() => {
            onChanged();
            void detail.reload();
          }}
        />
      )}
    </aside>
  );
}

/** The confirmation of a node operation, with the small form an operation that takes input needs. */
import { useState } from 'preact/hooks';
import type { Graph } from '../api/api-types';
import { api } from '../api/session';
import { outgoingEdges } from '../lib/graph-model';
import { parseJson, parseJsonObject } from '../lib/json-input';
import { operationBody, type NodeOperationSpec } from '../lib/node-operations';
import { ConfirmDialog } from './confirm-dialog';

export interface OperationDialogProps {
  runId: string;
  nodeId: string;
  version: number | undefined;
  spec: NodeOperationSpec;
  graph: Graph;
  onDone: () => void;
  onClose: () => void;
}

export function OperationDialog({ runId, nodeId, version, spec, graph, onDone, onClose }: OperationDialogProps) {
  const [text, setText] = useState(spec.input === 'callback-data' ? '{}' : '');
  const [flows, setFlows] = useState<string[]>([]);
  const jsonCheck = spec.input === 'retry-inputs' ? parseJsonObject(text) : spec.input === 'callback-data' ? parseJson(text) : null;
  const canConfirm = (jsonCheck === null || jsonCheck.ok) && (spec.input !== 'flows' || flows.length > 0);
  const confirm = async () => {
    const form =
      spec.input === 'retry-inputs' && jsonCheck?.ok
        ? { inputs: jsonCheck.value as Record<string, unknown> }
        : spec.input === 'callback-data' && jsonCheck?.ok
          ? { data: jsonCheck.value }
          : spec.input === 'ex-data'
            ? { exData: text.trim() }
            : spec.input === 'flows'
              ? { flowIds: flows }
              : {};
    await api.nodeOperation(runId, nodeId, spec.op, operationBody(spec.op, form, version));
    onDone();
  };
  return (
    <ConfirmDialog title={`${spec.label}: ${nodeId}`} confirmLabel={spec.label} canConfirm={canConfirm} onConfirm={confirm} onClose={onClose}>
      <p>{spec.explains}</p>
      {(spec.input === 'retry-inputs' || spec.input === 'callback-data') && (
        <label>
          {spec.input === 'retry-inputs' ? 'Inputs to merge (JSON object, optional)' : 'Callback data (JSON)'}
          <textarea name="operation-json" rows={4} spellcheck={false} value={text} onInput={(e) => setText(e.currentTarget.value)} />
        </label>
      )}
      {jsonCheck && !jsonCheck.ok && (
        <div class="field-error" role="alert">
          {jsonCheck.error}
        </div>
      )}
      {spec.input === 'ex-data' && (
        <label>
          ex_data (why, optional)
          <input name="exData" value={text} onInput={(e) => setText(e.currentTarget.value)} />
        </label>
      )}
      {spec.input === 'flows' && (
        <fieldset>
          <legend>Flow(s) to take</legend>
          {outgoingEdges(graph, nodeId).map((e) => (
            <label key={e.id} class="check">
              <input
                type="checkbox"
                name="flow"
                value={e.id}
                checked={flows.includes(e.id)}
                onChange={(ev) => setFlows(ev.currentTarget.checked ? [...flows, e.id] : flows.filter((f) => f !== e.id))}
              />
              <code>{e.id}</code> → {e.target}
              {e.condition ? <span class="muted"> ({e.condition})</span> : null}
            </label>
          ))}
        </fieldset>
      )}
      {spec.op === 'callback' && <p class="muted">Sent for node version {version ?? '?'}.</p>}
    </ConfirmDialog>
  );
}

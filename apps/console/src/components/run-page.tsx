/**
 * One run: its state and run operations, its graph coloured by each node's live state
 * (`GET /runs/:id` every second, no reload), and the detail panel of the node clicked.
 */
import { useMemo, useState } from 'preact/hooks';
import type { RunOperation } from '../api/api-client';
import { api } from '../api/session';
import { flattenNodeStates } from '../lib/graph-model';
import { href } from '../lib/routes';
import { ConfirmDialog } from './confirm-dialog';
import { ErrorMessage } from './error-message';
import { GraphView } from './graph-view';
import { JsonView } from './json-view';
import { Link } from './link';
import { NodeDetail } from './node-detail';
import { StateBadge } from './state-badge';
import { useApi } from './use-api';

const RUN_OPERATIONS: { op: RunOperation; label: string; explains: string; allowed: (state: string) => boolean }[] = [
  { op: 'pause', label: 'Pause run', explains: 'Running nodes finish; no process enters a new node.', allowed: (s) => s === 'RUNNING' || s === 'FAILED' },
  { op: 'resume', label: 'Resume run', explains: 'The suspended run goes on.', allowed: (s) => s === 'SUSPENDED' },
  { op: 'revoke', label: 'Revoke run', explains: 'Final: unfinished nodes become REVOKED and nothing of the run executes again.', allowed: (s) => s !== 'FINISHED' && s !== 'REVOKED' },
];

export function RunPage({ id }: { id: string }) {
  const run = useApi(() => api.getRun(id), [id], 1000);
  const graph = useApi(() => api.runGraph(id), [id]);
  const [selected, setSelected] = useState<string | null>(null);
  const [operation, setOperation] = useState<(typeof RUN_OPERATIONS)[number] | null>(null);
  const states = useMemo(() => flattenNodeStates(run.data?.nodes), [run.data]);
  const r = run.data;
  return (
    <section>
      <ErrorMessage error={run.error} />
      {r && (
        <>
          <h2>
            Run <code>{r.id}</code> <StateBadge state={r.state} />
          </h2>
          <p class="muted">
            {r.pipelineId ? (
              <Link href={href(`/pipelines/${encodeURIComponent(r.pipelineId)}`)}>
                pipeline {r.pipelineId.slice(0, 8)} v{r.version}
              </Link>
            ) : (
              'inline tree'
            )}
            {r.businessKey ? ` · business key ${r.businessKey}` : ''} · created {new Date(r.createdAt).toLocaleString()}
            {r.finishedAt ? ` · ended ${new Date(r.finishedAt).toLocaleString()}` : ''}
            {r.reason ? ` · reason ${r.reason}` : ''}
          </p>
          <div class="ops" role="group" aria-label="run operations">
            {RUN_OPERATIONS.map((o) => (
              <button key={o.op} type="button" data-op={o.op} disabled={!o.allowed(r.state)} onClick={() => setOperation(o)}>
                {o.label}
              </button>
            ))}
          </div>
        </>
      )}
      <ErrorMessage error={graph.error} />
      <div class="run-layout">
        <div class="run-graph">
          {graph.data && r && <GraphView graph={graph.data} states={states} selected={selected} onSelect={setSelected} />}
          <p class="muted">Click a node for its detail and operations.</p>
        </div>
        {selected && graph.data && (
          <NodeDetail key={selected} runId={id} nodeId={selected} graph={graph.data} state={states[selected]} onChanged={() => void run.reload()} onClose={() => setSelected(null)} />
        )}
      </div>
      {r && (
        <div class="columns">
          <div>
            <h3>Inputs</h3>
            <JsonView value={r.inputs} label="run inputs" />
          </div>
          <div>
            <h3>Outputs</h3>
            <JsonView value={r.outputs} label="run outputs" />
          </div>
        </div>
      )}
      {operation && (
        <ConfirmDialog
          title={`${operation.label}?`}
          confirmLabel={operation.label}
          onClose={() => setOperation(null)}
          onConfirm={async () => {
            await api.runOperation(id, operation.op);
            await run.reload();
          }}
        >
          <p>{operation.explains}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

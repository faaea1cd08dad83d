/** One pipeline: its versions, switch and caps, its definition drawn as a graph, schedules and the start form. */
import { useState } from 'preact/hooks';
import { api } from '../api/session';
import { href } from '../lib/routes';
import { ErrorMessage } from './error-message';
import { GraphView } from './graph-view';
import { Link } from './link';
import { PipelineSettings } from './pipeline-settings';
import { SchedulesList } from './schedules-list';
import { StartForm } from './start-form';
import { useApi } from './use-api';

export function PipelinePage({ id }: { id: string }) {
  const [version, setVersion] = useState<number | undefined>(undefined);
  const pipeline = useApi(() => api.getPipeline(id, version), [id, version]);
  const graph = useApi(() => api.pipelineGraph(id, version), [id, version]);
  const p = pipeline.data;
  return (
    <section>
      <ErrorMessage error={pipeline.error} />
      {p && (
        <>
          <h2>
            {p.name} <code class="muted">{p.key}</code>
          </h2>
          <div class="row">
            <label>
              version
              <select name="version" value={String(p.version)} onChange={(e) => setVersion(Number(e.currentTarget.value))}>
                {Array.from({ length: p.latestVersion }, (_, i) => p.latestVersion - i).map((v) => (
                  <option key={v} value={String(v)}>
                    {v}
                    {v === p.latestVersion ? ' (latest)' : ''}
                  </option>
                ))}
              </select>
            </label>
            <span class="muted">
              format {p.format}, stored {new Date(p.versionCreatedAt).toLocaleString()}
            </span>
            <Link href={href('/runs', { pipelineId: p.id })}>runs of this pipeline →</Link>
          </div>
          <PipelineSettings pipeline={p} onChanged={() => void pipeline.reload()} />
        </>
      )}
      <h3>Definition</h3>
      <ErrorMessage error={graph.error} />
      {graph.data && <GraphView graph={graph.data} />}
      {p && (
        <div class="columns">
          <StartForm pipelineId={p.id} version={p.version} />
          <SchedulesList pipelineId={p.id} />
        </div>
      )}
    </section>
  );
}

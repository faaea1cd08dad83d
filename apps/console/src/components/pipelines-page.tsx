/** The pipelines screen: every stored definition with its switch and caps. */
import { api } from '../api/session';
import { href } from '../lib/routes';
import { ErrorMessage } from './error-message';
import { Link } from './link';
import { useApi } from './use-api';

export function PipelinesPage() {
  const { data, error, loading } = useApi(() => api.listPipelines(1, 100), []);
  return (
    <section>
      <h2>Pipelines</h2>
      <ErrorMessage error={error} />
      {loading && !data && <p class="muted">Loading…</p>}
      {data && data.items.length === 0 && <p class="muted">No pipeline yet: build one with POST /api/v1/pipelines.</p>}
      {data && data.items.length > 0 && (
        <table class="list" data-testid="pipelines">
          <thead>
            <tr>
              <th>name</th>
              <th>key</th>
              <th>latest version</th>
              <th>enabled</th>
              <th>max concurrent runs</th>
              <th>queue mode</th>
              <th>updated</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((p) => (
              <tr key={p.id} data-pipeline-id={p.id}>
                <td>
                  <Link href={href(`/pipelines/${encodeURIComponent(p.id)}`)}>{p.name}</Link>
                </td>
                <td>
                  <code>{p.key}</code>
                </td>
                <td>{p.latestVersion}</td>
                <td>{p.enabled ? 'on' : 'off'}</td>
                <td>{p.maxConcurrentRuns ?? 'no cap'}</td>
                <td>{p.queueMode}</td>
                <td>{new Date(p.updatedAt).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data && data.total > data.items.length && <p class="muted">Showing the first {data.items.length} of {data.total}.</p>}
    </section>
  );
}

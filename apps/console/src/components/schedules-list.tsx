/** A pipeline's schedules (`GET /pipelines/:id/schedules`). */
import { api } from '../api/session';
import { href } from '../lib/routes';
import { ErrorMessage } from './error-message';
import { Link } from './link';
import { useApi } from './use-api';

export function SchedulesList({ pipelineId }: { pipelineId: string }) {
  const { data, error } = useApi(() => api.listSchedules(pipelineId), [pipelineId]);
  return (
    <div>
      <h3>Schedules</h3>
      <ErrorMessage error={error} />
      {data && data.length === 0 && <p class="muted">No schedule.</p>}
      {data && data.length > 0 && (
        <table class="list" data-testid="schedules">
          <thead>
            <tr>
              <th>timing</th>
              <th>zone</th>
              <th>enabled</th>
              <th>next</th>
              <th>last</th>
            </tr>
          </thead>
          <tbody>
            {data.map((s) => (
              <tr key={s.id}>
                <td>
                  <code>{s.cron ?? (s.every !== undefined ? `every ${s.every}` : `at ${s.at ?? ''}`)}</code>
                </td>
                <td>{s.timezone}</td>
                <td>{s.enabled ? 'on' : 'off'}</td>
                <td>{s.nextFireAt ? new Date(s.nextFireAt).toLocaleString() : '—'}</td>
                <td>
                  {s.lastOutcome ?? '—'} {s.lastRunId && <Link href={href(`/runs/${encodeURIComponent(s.lastRunId)}`)}>run</Link>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

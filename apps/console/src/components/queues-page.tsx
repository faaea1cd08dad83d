/**
 * External-task queues (README "External workers"): per topic the waiting and locked counts
 * and the oldest wait, then the tasks themselves filtered by topic and state.
 */
import { EXTERNAL_TASK_STATES, type ExternalTaskState } from '../api/api-types';
import { api } from '../api/session';
import { formatWait, summarizeQueues } from '../lib/queue-summary';
import { href } from '../lib/routes';
import { ErrorMessage } from './error-message';
import { Link } from './link';
import { useApi } from './use-api';
import { navigate } from './use-route';

export function QueuesPage({ query }: { query: URLSearchParams }) {
  const topic = query.get('topic') ?? '';
  const state = (query.get('state') ?? '') as ExternalTaskState | '';
  const open = useApi(
    async () => {
      const [available, locked] = await Promise.all([api.listExternalTasks({ state: 'available', pageSize: 100 }), api.listExternalTasks({ state: 'locked', pageSize: 100 })]);
      return { tasks: [...available.items, ...locked.items], truncated: available.total > available.items.length || locked.total > locked.items.length };
    },
    [],
    2000,
  );
  const tasks = useApi(() => api.listExternalTasks({ topic, state, pageSize: 50 }), [topic, state], 2000);
  const queues = summarizeQueues(open.data?.tasks ?? [], Date.now());
  const setFilter = (next: { topic?: string; state?: string }) => navigate(href('/queues', { topic, state, ...next }));
  return (
    <section>
      <h2>External-task queues</h2>
      <ErrorMessage error={open.error} />
      {open.data && queues.length === 0 && <p class="muted">No task is waiting or locked.</p>}
      {queues.length > 0 && (
        <table class="list" data-testid="queues">
          <thead>
            <tr>
              <th>topic</th>
              <th>waiting</th>
              <th>locked</th>
              <th>oldest wait</th>
            </tr>
          </thead>
          <tbody>
            {queues.map((q) => (
              <tr key={q.topic} data-topic={q.topic}>
                <td>
                  <a
                    href={href('/queues', { topic: q.topic })}
                    onClick={(e) => {
                      e.preventDefault();
                      setFilter({ topic: q.topic });
                    }}
                  >
                    {q.topic}
                  </a>
                </td>
                <td>{q.waiting}</td>
                <td>{q.locked}</td>
                <td>{formatWait(q.oldestWaitSeconds)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open.data?.truncated && <p class="muted">Counted over the first 100 tasks of each state.</p>}
      <h3>Tasks</h3>
      <form
        class="row filters"
        aria-label="task filters"
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          setFilter({ topic: String(form.get('topic') ?? '').trim(), state: String(form.get('state') ?? '') });
        }}
      >
        <label>
          topic
          <input name="topic" defaultValue={topic} key={topic} />
        </label>
        <label>
          state
          <select name="state" defaultValue={state} key={state}>
            <option value="">any</option>
            {EXTERNAL_TASK_STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="primary">
          Filter
        </button>
      </form>
      <ErrorMessage error={tasks.error} />
      {tasks.data && (
        <table class="list" data-testid="tasks">
          <thead>
            <tr>
              <th>task</th>
              <th>topic</th>
              <th>state</th>
              <th>run / node</th>
              <th>attempt</th>
              <th>worker</th>
              <th>lock until</th>
              <th>error</th>
            </tr>
          </thead>
          <tbody>
            {tasks.data.items.map((t) => (
              <tr key={t.id} data-task-id={t.id}>
                <td>
                  <code>{t.id.slice(0, 8)}</code>
                </td>
                <td>{t.topic}</td>
                <td>{t.state}</td>
                <td>
                  <Link href={href(`/runs/${encodeURIComponent(t.runId)}`)}>
                    <code>{t.runId.slice(0, 8)}</code>
                  </Link>{' '}
                  / {t.nodeId}
                </td>
                <td>{t.attempt}</td>
                <td>{t.workerId ?? '—'}</td>
                <td>{t.lockExpiresAt ? new Date(t.lockExpiresAt).toLocaleTimeString() : '—'}</td>
                <td>{t.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {tasks.data && tasks.data.items.length === 0 && <p class="muted">No task matches.</p>}
    </section>
  );
}

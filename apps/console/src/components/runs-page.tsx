/** Runs, newest first, filtered by pipeline, state and business key (kept in the URL), paged. */
import { useEffect, useState } from 'preact/hooks';
import { RUN_STATES, type RunState } from '../api/api-types';
import { api } from '../api/session';
import { href } from '../lib/routes';
import { ErrorMessage } from './error-message';
import { Link } from './link';
import { StateBadge } from './state-badge';
import { useApi } from './use-api';
import { navigate } from './use-route';

const PAGE_SIZE = 20;

export function RunsPage({ query }: { query: URLSearchParams }) {
  const pipelineId = query.get('pipelineId') ?? '';
  const state = (query.get('state') ?? '') as RunState | '';
  const businessKey = query.get('businessKey') ?? '';
  const page = Math.max(1, Number(query.get('page') ?? '1') || 1);
  const [draft, setDraft] = useState({ pipelineId, state, businessKey });
  useEffect(() => setDraft({ pipelineId, state, businessKey }), [pipelineId, state, businessKey]);
  const pipelines = useApi(() => api.listPipelines(1, 100), []);
  const runs = useApi(() => api.listRuns({ pipelineId, state, businessKey, page, pageSize: PAGE_SIZE }), [pipelineId, state, businessKey, page], 2000);
  const go = (next: { pipelineId: string; state: string; businessKey: string; page?: number }) => navigate(href('/runs', { ...next, businessKey: next.businessKey.trim(), page: next.page && next.page > 1 ? next.page : undefined }));
  const names = new Map((pipelines.data?.items ?? []).map((p) => [p.id, p.name]));
  const pages = runs.data ? Math.max(1, Math.ceil(runs.data.total / PAGE_SIZE)) : 1;
  return (
    <section>
      <h2>Runs</h2>
      <form
        class="row filters"
        aria-label="run filters"
        onSubmit={(e) => {
          e.preventDefault();
          go(draft);
        }}
      >
        <label>
          pipeline
          <select name="pipelineId" value={draft.pipelineId} onChange={(e) => setDraft({ ...draft, pipelineId: e.currentTarget.value })}>
            <option value="">any</option>
            {(pipelines.data?.items ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          state
          <select name="state" value={draft.state} onChange={(e) => setDraft({ ...draft, state: e.currentTarget.value as RunState | '' })}>
            <option value="">any</option>
            {RUN_STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          business key
          <input name="businessKey" value={draft.businessKey} onInput={(e) => setDraft({ ...draft, businessKey: e.currentTarget.value })} />
        </label>
        <button type="submit" class="primary">
          Filter
        </button>
        <button type="button" onClick={() => go({ pipelineId: '', state: '', businessKey: '' })}>
          Clear
        </button>
      </form>
      <ErrorMessage error={runs.error} />
      {runs.data && (
        <>
          <table class="list" data-testid="runs">
            <thead>
              <tr>
                <th>run</th>
                <th>state</th>
                <th>pipeline</th>
                <th>business key</th>
                <th>created</th>
                <th>finished</th>
              </tr>
            </thead>
            <tbody>
              {runs.data.items.map((r) => (
                <tr key={r.id} data-run-id={r.id} data-state={r.state}>
                  <td>
                    <Link href={href(`/runs/${encodeURIComponent(r.id)}`)}>
                      <code>{r.id.slice(0, 8)}</code>
                    </Link>
                  </td>
                  <td>
                    <StateBadge state={r.state} />
                  </td>
                  <td>{r.pipelineId ? `${names.get(r.pipelineId) ?? r.pipelineId.slice(0, 8)} v${r.version ?? ''}` : 'inline'}</td>
                  <td>{r.businessKey ?? '—'}</td>
                  <td>{new Date(r.createdAt).toLocaleString()}</td>
                  <td>{r.finishedAt ? new Date(r.finishedAt).toLocaleString() : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {runs.data.items.length === 0 && <p class="muted">No run matches.</p>}
          <div class="row pager">
            <button type="button" disabled={page <= 1} onClick={() => go({ pipelineId, state, businessKey, page: page - 1 })}>
              ← newer
            </button>
            <span>
              page {page} of {pages} ({runs.data.total} runs)
            </span>
            <button type="button" disabled={page >= pages} onClick={() => go({ pipelineId, state, businessKey, page: page + 1 })}>
              older →
            </button>
          </div>
        </>
      )}
    </section>
  );
}

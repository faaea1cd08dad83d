/** A small typed client of the engine's public REST API (`/api/v1`), used by every scenario in both modes. */
import type { PipelineTree } from '@app/pipeline';
import { sleep } from './stats';

export interface NodeStateView {
  state: string;
  startedAt: string | null;
  finishedAt: string | null;
  children?: Record<string, NodeStateView>;
}

export interface RunView {
  id: string;
  state: string;
  businessKey: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  nodes?: Record<string, NodeStateView>;
}

interface Page<T> {
  items: T[];
  total: number;
}

const FINAL_RUN_STATES = new Set(['FINISHED', 'FAILED', 'REVOKED']);
const PAGE_SIZE = 100;

export class EngineClient {
  /** API requests made so far (polls included): their database queries show up in the query counts. */
  requests = 0;

  constructor(readonly baseUrl: string) {}

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    this.requests++;
    const res = await fetch(`${this.baseUrl}/api/v1${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  }

  startInline(definition: PipelineTree, businessKey?: string): Promise<RunView> {
    return this.call('POST', '/runs', { definition, businessKey });
  }

  createPipeline(name: string, definition: PipelineTree): Promise<{ id: string }> {
    return this.call('POST', '/pipelines', { name, definition });
  }

  startStored(pipelineId: string, businessKey?: string): Promise<RunView> {
    return this.call('POST', `/pipelines/${encodeURIComponent(pipelineId)}/runs`, { businessKey });
  }

  getRun(id: string): Promise<RunView> {
    return this.call('GET', `/runs/${encodeURIComponent(id)}`);
  }

  validate(definition: PipelineTree): Promise<{ valid: boolean; errors: unknown[] }> {
    return this.call('POST', '/pipelines/validate', { definition });
  }

  /** How many runs with this business key are in `state` (one request, whatever the count). */
  async countRuns(businessKey: string, state: string): Promise<number> {
    const q = new URLSearchParams({ businessKey, state, pageSize: '1' });
    return (await this.call<Page<RunView>>('GET', `/runs?${q}`)).total;
  }

  /** Every run with this business key (summaries: no node map). */
  async listRuns(businessKey: string): Promise<RunView[]> {
    const out: RunView[] = [];
    for (let page = 1; ; page++) {
      const q = new URLSearchParams({
        businessKey,
        page: String(page),
        pageSize: String(PAGE_SIZE),
      });
      const p = await this.call<Page<RunView>>('GET', `/runs?${q}`);
      out.push(...p.items);
      if (p.items.length < PAGE_SIZE || out.length >= p.total) return out;
    }
  }

  /**
   * Waits until the `expected` runs tagged `businessKey` have all finished (one count request
   * per poll, a failure check about every second), then answers them. Throws when one fails or
   * the timeout passes.
   */
  async waitFinished(
    businessKey: string,
    expected: number,
    options: { pollMs?: number; timeoutMs?: number } = {},
  ): Promise<RunView[]> {
    const { pollMs = 25, timeoutMs = 300_000 } = options;
    const until = Date.now() + timeoutMs;
    for (let poll = 1; ; poll++) {
      const finished = await this.countRuns(businessKey, 'FINISHED');
      if (finished >= expected) return this.listRuns(businessKey);
      if (poll % Math.max(1, Math.round(1000 / pollMs)) === 0) {
        const failed =
          (await this.countRuns(businessKey, 'FAILED')) +
          (await this.countRuns(businessKey, 'REVOKED'));
        if (failed > 0)
          throw new Error(
            `${failed} run(s) tagged ${businessKey} failed or were revoked: ${await this.describeUnfinished(businessKey)}`,
          );
      }
      if (Date.now() > until) {
        throw new Error(
          `timed out: ${finished}/${expected} run(s) tagged ${businessKey} finished; ${await this.describeUnfinished(businessKey)}`,
        );
      }
      await sleep(pollMs);
    }
  }

  private async describeUnfinished(businessKey: string): Promise<string> {
    const runs = (await this.listRuns(businessKey)).filter((r) => r.state !== 'FINISHED');
    const first = runs[0] ? await this.getRun(runs[0].id) : undefined;
    const stuck = first
      ? Object.entries(first.nodes ?? {}).filter(([, n]) => n.state !== 'FINISHED')
      : [];
    return `${runs.length} unfinished; first ${first?.id} ${first?.state}, nodes not finished: ${JSON.stringify(stuck.slice(0, 5))}`;
  }
}

/** A settled run's end, in epoch ms. */
export function finishedAtMs(run: RunView): number {
  if (!run.finishedAt || !FINAL_RUN_STATES.has(run.state))
    throw new Error(`run ${run.id} is ${run.state}, not settled`);
  return Date.parse(run.finishedAt);
}

import type request from 'supertest';

/** Small helpers to drive runs over the REST API in e2e suites (embedded or distributed). */
export type Http = () => ReturnType<typeof request>;

export interface NodeView {
  state: string;
  version: number;
  loop: number;
  retries: number;
  skip: boolean;
  skipReason?: string;
  errorIgnored: boolean;
  children?: Record<string, NodeView>;
}

export interface RunBody {
  id: string;
  state: string;
  outputs: Record<string, unknown>;
  nodes: Record<string, NodeView>;
}

export const API = '/api/v1';

/** A node anywhere in a run view (sub-process children included). */
export function findNode(nodes: Record<string, NodeView> | undefined, nodeId: string): NodeView | undefined {
  if (!nodes) return undefined;
  if (nodes[nodeId]) return nodes[nodeId];
  for (const n of Object.values(nodes)) {
    const found = findNode(n.children, nodeId);
    if (found) return found;
  }
  return undefined;
}

export function runApi(http: Http) {
  const api = {
    async start(definition: unknown, inputs: Record<string, unknown> = {}): Promise<string> {
      const res = await http().post(`${API}/runs`).send({ definition, inputs });
      if (res.status !== 201) throw new Error(`start failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.id as string;
    },

    async get(runId: string): Promise<RunBody> {
      const res = await http().get(`${API}/runs/${runId}`);
      if (res.status !== 200) throw new Error(`GET run failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as RunBody;
    },

    async node(runId: string, nodeId: string) {
      const res = await http().get(`${API}/runs/${runId}/nodes/${nodeId}`);
      if (res.status !== 200) throw new Error(`GET node failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as NodeView & { inputs: Record<string, unknown> | null; outputs: Record<string, unknown> | null; exData: unknown; histories: { kind: string; version: number; state: string; exData: unknown; inputs: unknown; outputs: unknown }[] };
    },

    async events(runId: string): Promise<{ id: number; seq: number; eventType: string; nodeId: string | null; data: Record<string, unknown>; time: string }[]> {
      const res = await http().get(`${API}/runs/${runId}/events?limit=5000`);
      if (res.status !== 200) throw new Error(`GET events failed: ${res.status}`);
      return res.body;
    },

    /** Polls the run until `ok` holds (default: a settled run state), or fails after `ms`. */
    async waitFor(runId: string, ok: (run: RunBody) => boolean, what = 'condition', ms = 20_000): Promise<RunBody> {
      const until = Date.now() + ms;
      let last: RunBody | undefined;
      while (Date.now() < until) {
        last = await api.get(runId);
        if (ok(last)) return last;
        await sleep(25);
      }
      throw new Error(`run ${runId}: ${what} not reached within ${ms} ms; last: ${JSON.stringify(last)}`);
    },

    waitState(runId: string, state: string, ms?: number): Promise<RunBody> {
      return api.waitFor(runId, (r) => r.state === state, `run state ${state}`, ms);
    },

    waitNode(runId: string, nodeId: string, state: string, ms?: number): Promise<RunBody> {
      return api.waitFor(runId, (r) => findNode(r.nodes, nodeId)?.state === state, `node ${nodeId} ${state}`, ms);
    },

    /** The node's version once it is RUNNING and waiting (for a callback). */
    async runningVersion(runId: string, nodeId: string): Promise<number> {
      const run = await api.waitNode(runId, nodeId, 'RUNNING');
      return findNode(run.nodes, nodeId)!.version;
    },

    op(runId: string, path: string, body: unknown = {}) {
      return http().post(`${API}/runs/${runId}/${path}`).send(body as object);
    },
  };
  return api;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

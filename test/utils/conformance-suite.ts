import { existsSync } from 'node:fs';
import {
  type ConformanceCase,
  conformanceDir,
  findNodeState,
  loadAllConformanceCases,
  type NodeTree,
} from './conformance';
import type request from 'supertest';

/**
 * Drives every fixture of the conformance folder over the REST API (its README is the spec):
 * invalid trees are refused with the listed codes, valid ones run to the expected states.
 */
const SETTLED = new Set(['FINISHED', 'FAILED', 'REVOKED']);
const SETTLE_TIMEOUT_MS = 20_000;
const POLL_INTERVAL_MS = 25;

const dir = conformanceDir();
if (!existsSync(dir)) throw new Error(`Conformance folder not found: ${dir} (set CONFORMANCE_DIR)`);
const cases = loadAllConformanceCases();
const invalid = cases.filter((c) => c.expect.valid === false);
const valid = cases.filter((c) => c.expect.valid === true);
const runnable = valid.filter((c) => c.expect.state !== undefined);

const label = (c: ConformanceCase): string => `${c.file} (${c.name})`;

type Http = () => ReturnType<typeof request>;

/**
 * Declares the conformance suite against an API reached through `http` (an embedded app, or
 * the api process of a distributed deployment). Call inside a `describe` that sets it up.
 */
export function conformanceSuite(http: Http): void {
  const api = { http: () => http() };

  it('has fixtures to check', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  describe.each(invalid.map((c) => [label(c), c] as const))('invalid: %s', (_label, c) => {
    it('is refused by POST /pipelines/validate with every listed error', async () => {
      const res = await api
        .http()
        .post('/api/v1/pipelines/validate')
        .send({ format: c.format, definition: c.tree });
      expect([200, 400]).toContain(res.status);
      const errors: { code: string; nodeId?: string }[] =
        res.status === 200 ? res.body.errors : res.body.details;
      if (res.status === 200) expect(res.body.valid).toBe(false);
      for (const want of c.expect.errors ?? []) {
        expect(errors).toContainEqual(
          expect.objectContaining(want.nodeId === undefined ? { code: want.code } : want),
        );
      }
    });

    it('is refused by POST /runs with 400', async () => {
      const res = await api
        .http()
        .post('/api/v1/runs')
        .send({ format: c.format, definition: c.tree, inputs: c.inputs });
      expect(res.status).toBe(400);
      expect(res.body.statusCode).toBe(400);
    });
  });

  describe.each(valid.map((c) => [label(c), c] as const))('valid: %s', (_label, c) => {
    it('is accepted by POST /pipelines/validate', async () => {
      const res = await api
        .http()
        .post('/api/v1/pipelines/validate')
        .send({ format: c.format, definition: c.tree });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ valid: true, errors: [] });
    });
  });

  describe.each(runnable.map((c) => [label(c), c] as const))('run: %s', (_label, c) => {
    it(
      `settles ${c.expect.state} with the expected node states`,
      async () => {
        const started = await api
          .http()
          .post('/api/v1/runs')
          .send({ format: c.format, definition: c.tree, inputs: c.inputs });
        expect({ status: started.status, body: started.body }).toMatchObject({
          status: 201,
          body: { id: expect.any(String) },
        });

        const run = await waitUntilSettled(api, started.body.id as string);
        expect(run.state).toBe(c.expect.state);
        const actual = Object.fromEntries(
          Object.keys(c.expect.nodes ?? {}).map((id) => [id, findNodeState(run.nodes, id)]),
        );
        expect(actual).toEqual(c.expect.nodes ?? {});
        if (c.expect.outputs !== undefined)
          expect(run.outputs).toEqual(expect.objectContaining(c.expect.outputs));
        if (c.expect.context !== undefined) {
          const context = await api.http().get(`/api/v1/runs/${run.id}/context`);
          expect(context.status).toBe(200);
          expect(context.body).toEqual(expect.objectContaining(c.expect.context));
        }
      },
      SETTLE_TIMEOUT_MS + 5_000,
    );
  });
}

interface RunBody {
  id: string;
  state: string;
  nodes: NodeTree;
  outputs: Record<string, unknown>;
}

async function waitUntilSettled(api: { http: Http }, runId: string): Promise<RunBody> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  let last: RunBody | undefined;
  while (Date.now() < deadline) {
    const res = await api.http().get(`/api/v1/runs/${runId}`);
    if (res.status !== 200)
      throw new Error(`GET /runs/${runId} answered ${res.status}: ${JSON.stringify(res.body)}`);
    last = res.body as RunBody;
    if (SETTLED.has(last.state)) return last;
    await new Promise((r) => setTimeout(r, POLL_INTERVAL_MS));
  }
  throw new Error(
    `Run ${runId} did not settle within ${SETTLE_TIMEOUT_MS} ms; last state ${last?.state}: ${JSON.stringify(last?.nodes)}`,
  );
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEmbeddedApp, type EmbeddedApp } from './utils/embedded-app';
import { chainTree, plain, splice } from './utils/run-trees';

const SETTLED = new Set(['FINISHED', 'FAILED', 'REVOKED']);

describe('runs (embedded, over HTTP)', () => {
  let app: EmbeddedApp;
  let peer: Server;
  let peerUrl: string;

  beforeAll(async () => {
    app = await startEmbeddedApp();
    peer = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        res.statusCode = req.url === '/missing' ? 404 : 200;
        res.end(JSON.stringify({ method: req.method, url: req.url, got: body ? JSON.parse(body) : null, auth: req.headers['x-token'] ?? null }));
      });
    });
    await new Promise<void>((r) => peer.listen(0, '127.0.0.1', r));
    peerUrl = `http://127.0.0.1:${(peer.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app.close();
    await new Promise((r) => peer.close(r));
  });

  async function settle(id: string, ms = 20_000) {
    const until = Date.now() + ms;
    for (;;) {
      const res = await app.http().get(`/api/v1/runs/${id}`).expect(200);
      if (SETTLED.has(res.body.state) || Date.now() > until) return res.body;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async function runInline(definition: unknown, inputs?: Record<string, unknown>, businessKey?: string) {
    const res = await app.http().post('/api/v1/runs').send({ definition, inputs, businessKey }).expect(201);
    return settle(res.body.id);
  }

  it('answers the §9 run shape, with rendered inputs and mapped outputs', async () => {
    const tree = chainTree(
      'shape',
      [
        { id: 'calc', code: 'echo', inputs: { total: splice('${price * qty}'), label: splice('order ${name}!'), raw: plain('${not rendered}') } },
        { id: 'after', code: 'echo', inputs: { seen: splice('${total}') } },
      ],
      {
        inputs: {
          '${price}': plain(2.5),
          '${qty}': plain(4),
          '${name}': plain('A-1'),
          '${total}': { type: 'splice', value: null, source_act: 'calc', source_key: 'total' },
        },
        outputs: ['${total}', '${name}'],
      },
    );
    const run = await runInline(tree, { qty: 10 }, 'order-1');
    expect(run).toMatchObject({
      pipelineId: null,
      version: null,
      state: 'FINISHED',
      businessKey: 'order-1',
      inputs: { qty: 10 },
      outputs: { '${total}': 25, '${name}': 'A-1' },
    });
    for (const k of ['id', 'createdAt', 'startedAt', 'finishedAt']) expect(typeof run[k]).toBe('string');
    expect(Object.keys(run.nodes).sort()).toEqual(['after', 'calc', 'e', 's']);
    expect(run.nodes.calc).toEqual({
      state: 'FINISHED', version: 1, loop: 1, retries: 0, skip: false, errorIgnored: false,
      startedAt: expect.any(String), finishedAt: expect.any(String),
    });
    const node = await app.http().get(`/api/v1/runs/${run.id}/nodes/calc`).expect(200);
    expect(node.body).toMatchObject({
      runId: run.id, nodeId: 'calc', type: 'ServiceActivity', state: 'FINISHED', version: 1,
      inputs: { total: 25, label: 'order A-1!', raw: '${not rendered}' },
      outputs: { total: 25, label: 'order A-1!' }, exData: null, histories: [],
    });
    const after = await app.http().get(`/api/v1/runs/${run.id}/nodes/after`).expect(200);
    expect(after.body.inputs).toEqual({ seen: 25 });
  });

  it('computes lazy variables and lazy inputs with their providers', async () => {
    const tree = chainTree(
      'lazy',
      [{ id: 'stamp', code: 'echo', inputs: { fromVar: splice('${started}'), direct: { type: 'lazy', value: null, custom_type: 'now' } } }],
      { inputs: { '${started}': { type: 'lazy', value: null, custom_type: 'now' } }, outputs: ['${started}'] },
    );
    const before = Date.now();
    const run = await runInline(tree);
    expect(run.state).toBe('FINISHED');
    const node = (await app.http().get(`/api/v1/runs/${run.id}/nodes/stamp`).expect(200)).body;
    for (const v of [node.inputs.fromVar, node.inputs.direct]) {
      expect(typeof v).toBe('string');
      expect(Date.parse(v)).toBeGreaterThanOrEqual(before - 1000);
    }
  });

  it('ends FAILED, blocked at the failing node, with its ex_data', async () => {
    const run = await runInline(chainTree('fails', [{ id: 'ok', code: 'noop' }, { id: 'bad', code: 'fail', inputs: { message: plain('disk full') } }, { id: 'never', code: 'noop' }]));
    expect(run.state).toBe('FAILED');
    expect(run.nodes.bad.state).toBe('FAILED');
    expect(run.nodes.never).toBeUndefined();
    const bad = await app.http().get(`/api/v1/runs/${run.id}/nodes/bad`).expect(200);
    expect(bad.body.exData).toBe('disk full');
  });

  it('retries automatically under a retry policy and keeps a history row per attempt', async () => {
    const run = await runInline(chainTree('retries', [{ id: 'bad', code: 'fail', inputs: { message: plain('nope') }, extra: { retry: { max: 2, delaySeconds: 0 } } }]));
    expect(run.state).toBe('FAILED');
    expect(run.nodes.bad).toMatchObject({ state: 'FAILED', retries: 2, version: 3 });
    const bad = await app.http().get(`/api/v1/runs/${run.id}/nodes/bad`).expect(200);
    expect(bad.body.histories.map((h: { kind: string; version: number }) => [h.kind, h.version])).toEqual([
      ['auto_retry', 1],
      ['auto_retry', 2],
    ]);
  });

  it('runs sleep and poll without holding a worker, and both finish', async () => {
    const started = Date.now();
    const run = await runInline(
      chainTree('waits', [
        { id: 'nap', code: 'sleep', inputs: { seconds: plain(0.3) } },
        { id: 'poller', code: 'poll', inputs: { times: plain(3), interval: plain(0) } },
      ]),
    );
    expect(run.state).toBe('FINISHED');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    const poller = await app.http().get(`/api/v1/runs/${run.id}/nodes/poller`).expect(200);
    expect(poller.body.outputs.polls).toBe(3);
  });

  it('makes a real HTTP call with http_request', async () => {
    const run = await runInline(
      chainTree('http', [
        { id: 'call', code: 'http_request', inputs: { url: splice(`${'${base}'}/hook`), method: plain('POST'), body: plain({ a: 1 }), headers: plain({ 'x-token': 't' }) } },
        { id: 'missing', code: 'http_request', inputs: { url: plain('PLACEHOLDER') } },
      ], { inputs: { '${base}': plain('') }, outputs: [] }),
      { base: peerUrl },
    );
    // the second node has a bad URL placeholder: it fails, the first one succeeded
    expect(run.state).toBe('FAILED');
    const call = await app.http().get(`/api/v1/runs/${run.id}/nodes/call`).expect(200);
    expect(call.body.outputs).toMatchObject({ status: 200, body: { method: 'POST', url: '/hook', got: { a: 1 }, auth: 't' } });
    expect((await app.http().get(`/api/v1/runs/${run.id}/nodes/missing`).expect(200)).body.state).toBe('FAILED');
  });

  it('lists runs with filters and pagination', async () => {
    const key = `bk-${Date.now()}`;
    for (let i = 0; i < 3; i++) await runInline(chainTree(`list${i}`, [{ id: 'a', code: 'noop' }]), {}, key);
    const page = await app.http().get('/api/v1/runs').query({ businessKey: key, pageSize: 2, page: 1 }).expect(200);
    expect(page.body).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(page.body.items).toHaveLength(2);
    expect(page.body.items[0]).not.toHaveProperty('nodes');
    const finished = await app.http().get('/api/v1/runs').query({ businessKey: key, state: 'FINISHED' }).expect(200);
    expect(finished.body.total).toBe(3);
    await app.http().get('/api/v1/runs').query({ state: 'NOPE' }).expect(400);
  });

  it('starts runs of stored pipelines, on the version asked for', async () => {
    const created = await app.http().post('/api/v1/pipelines').send({ name: 'stored run', definition: chainTree('v1', [{ id: 'one', code: 'noop' }]) }).expect(201);
    const id = created.body.id;
    await app.http().put(`/api/v1/pipelines/${id}`).send({ definition: chainTree('v2', [{ id: 'two', code: 'noop' }]) }).expect(200);
    const latest = await app.http().post(`/api/v1/pipelines/${id}/runs`).send({}).expect(201);
    const v1 = await app.http().post(`/api/v1/pipelines/${id}/runs`).send({ version: 1 }).expect(201);
    expect((await settle(latest.body.id)).nodes).toHaveProperty('two');
    const first = await settle(v1.body.id);
    expect(first).toMatchObject({ pipelineId: id, version: 1, state: 'FINISHED' });
    expect(first.nodes).toHaveProperty('one');
    await app.http().post(`/api/v1/pipelines/${id}/runs`).send({ version: 9 }).expect(404);
    await app.http().post('/api/v1/pipelines/no-such-pipeline/runs').send({}).expect(404);
  });

  it('answers 404 for unknown runs and nodes, 400 for invalid inline trees', async () => {
    await app.http().get('/api/v1/runs/no-such-run').expect(404);
    const run = await runInline(chainTree('n404', [{ id: 'a', code: 'noop' }]));
    await app.http().get(`/api/v1/runs/${run.id}/nodes/zzz`).expect(404);
    const bad = await app.http().post('/api/v1/runs').send({ definition: { id: 'x' } }).expect(400);
    expect(bad.body.details.length).toBeGreaterThan(0);
    const unknown = await app.http().post('/api/v1/runs').send({ definition: chainTree('u', [{ id: 'a', code: 'nope' }]) }).expect(400);
    expect(unknown.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'UNKNOWN_COMPONENT', nodeId: 'a' })]));
  });
});

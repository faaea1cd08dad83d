import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './utils/cli';
import { type EmbeddedApp, startEmbeddedApp } from './utils/embedded-app';

const pipeline = runCli;

const tree = (code: string) => ({
  id: 'cli',
  start_event: { id: 's', type: 'EmptyStartEvent', incoming: '', outgoing: 'f1' },
  end_event: { id: 'e', type: 'EmptyEndEvent', incoming: ['f2'], outgoing: '' },
  activities: {
    greet: {
      id: 'greet',
      type: 'ServiceActivity',
      incoming: ['f1'],
      outgoing: 'f2',
      component: { code, inputs: { text: { type: 'splice', value: 'hello ${who}' } } },
    },
  },
  gateways: {},
  flows: {
    f1: { id: 'f1', source: 's', target: 'greet' },
    f2: { id: 'f2', source: 'greet', target: 'e' },
  },
  data: {
    inputs: {
      '${who}': { type: 'plain', value: 'world' },
      '${greeting}': { type: 'splice', value: null, source_act: 'greet', source_key: 'text' },
    },
    outputs: ['${greeting}'],
  },
});

/** DESIGN §10: the `pipeline` CLI, run as a user runs it. */
describe('pipeline CLI (built, as a subprocess)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipeline-cli-e2e-'));
  const okFile = join(dir, 'ok.json');
  const failFile = join(dir, 'fail.yaml');
  const badFile = join(dir, 'bad.json');
  writeFileSync(okFile, JSON.stringify({ name: 'hello', definition: tree('echo') }));
  writeFileSync(failFile, `format: tree\ndefinition: ${JSON.stringify(tree('fail'))}\n`);
  writeFileSync(
    badFile,
    JSON.stringify({
      works: ['a', { name: 'b', component: { code: 'echo' } }],
      dags: { b: { dependences: ['zzz'] } },
    }),
  );

  // The first call builds the CLI when dist/ is missing or stale (nest build cli).
  beforeAll(async () => {
    const help = await pipeline(['--help']);
    expect(help).toMatchObject({ code: 0, stdout: expect.stringContaining('Usage: pipeline') });
  }, 180_000);

  it('validate: a valid file exits 0, an invalid one exits 1 listing every problem', async () => {
    expect(await pipeline(['validate', okFile])).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('(tree)'),
    });
    const bad = await pipeline(['validate', badFile]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('invalid');
    expect(bad.stdout).toMatch(/UNKNOWN_DEPENDENCE\s+dags\.b/);
  }, 30_000);

  it('validate: bad usage exits 2', async () => {
    const r = await pipeline(['validate', okFile, '--format', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error [USAGE]');
  }, 30_000);

  it('run (embedded): a tree that finishes exits 0 with --json printing the final run', async () => {
    const r = await pipeline([
      'run',
      okFile,
      '--json',
      '--inputs',
      '{"who": "cli"}',
      '--timeout',
      '60',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const run = JSON.parse(r.stdout) as {
      state: string;
      outputs: Record<string, unknown>;
      nodes: Record<string, { state: string }>;
    };
    expect(run.state).toBe('FINISHED');
    expect(run.outputs).toEqual({ '${greeting}': 'hello cli' });
    expect(run.nodes.greet.state).toBe('FINISHED');
  }, 60_000);

  it('run (embedded): a failing tree exits 1; --watch off a terminal prints a line per change', async () => {
    const json = await pipeline(['run', failFile, '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      state: 'FAILED',
      nodes: { greet: { state: 'FAILED' } },
    });
    const watched = await pipeline(['run', failFile, '--watch']);
    expect(watched.code).toBe(1);
    expect(watched.stdout).toContain('node greet FAILED');
    expect(watched.stdout).toMatch(/state +FAILED/);
    expect(watched.stderr).toContain('failed greet');
  }, 60_000);

  describe('--server against a running api', () => {
    let api: EmbeddedApp;
    let runId: string;
    beforeAll(async () => {
      api = await startEmbeddedApp({ API_TOKENS: 'cli-e2e-token-1' });
      const res = await api
        .http()
        .post('/api/v1/runs')
        .set('Authorization', 'Bearer cli-e2e-token-1')
        .send({ definition: tree('wait_callback'), businessKey: 'cli-order-1' });
      expect(res.status).toBe(201);
      runId = res.body.id;
    });
    afterAll(() => api?.close());

    it('runs ls / runs show / runs events print tables; --json prints the answers', async () => {
      const env = { PIPELINE_SERVER: api.baseUrl, PIPELINE_TOKEN: 'cli-e2e-token-1' };
      const ls = await pipeline(['runs', 'ls'], env);
      expect(ls.code).toBe(0);
      expect(ls.stdout).toContain(runId);
      expect(ls.stdout).toContain('cli-order-1');
      const lsJson = await pipeline(['runs', 'ls', '--json', '--state', 'RUNNING'], env);
      expect(JSON.parse(lsJson.stdout).items.map((r: { id: string }) => r.id)).toContain(runId);
      const show = await pipeline(['runs', 'show', runId], env);
      expect(show.code).toBe(0);
      expect(show.stdout).toMatch(/greet\s*│\s*RUNNING/);
      const events = await pipeline(['runs', 'events', runId, '--json'], env);
      expect((JSON.parse(events.stdout) as Array<{ seq: number }>)[0].seq).toBe(1);
    }, 60_000);

    it('operations: a callback finishes the waiting node; a refused operation exits 1 with the server code', async () => {
      const flags = ['--server', api.baseUrl, '--token', 'cli-e2e-token-1'];
      const cb = await pipeline([
        'nodes',
        'callback',
        runId,
        'greet',
        '--data',
        '{"ok": true}',
        '--json',
        ...flags,
      ]);
      expect(cb.stderr).toBe('');
      expect(cb.code).toBe(0);
      expect(JSON.parse(cb.stdout)).toMatchObject({ runId, nodeId: 'greet' });
      for (let i = 0; i < 50; i++) {
        const res = await api
          .http()
          .get(`/api/v1/runs/${runId}`)
          .set('Authorization', 'Bearer cli-e2e-token-1');
        if (res.body.state === 'FINISHED') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const resume = await pipeline(['runs', 'resume', runId, ...flags]);
      expect(resume.code).toBe(1);
      expect(resume.stderr).toContain('error [OPERATION_NOT_ALLOWED]');
      const noToken = await pipeline(['runs', 'show', runId, '--server', api.baseUrl]);
      expect(noToken.code).toBe(1);
      expect(noToken.stderr).toMatch(/error \[\w+\]: GET \/runs\/.* → 401/);
    }, 60_000);

    it('validate --server asks the api, which also knows its components', async () => {
      const unknown = join(dir, 'unknown-component.json');
      writeFileSync(unknown, JSON.stringify(tree('no_such_component')));
      const flags = ['--server', api.baseUrl, '--token', 'cli-e2e-token-1'];
      const offline = await pipeline(['validate', unknown]);
      expect(offline.code).toBe(0); // offline: components are not checked
      const r = await pipeline(['validate', unknown, '--json', ...flags]);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout)).toMatchObject({
        valid: false,
        errors: [expect.objectContaining({ code: 'UNKNOWN_COMPONENT' })],
      });
    }, 60_000);

    it('run --server drives the same client against a remote api', async () => {
      const r = await pipeline([
        'run',
        okFile,
        '--json',
        '--server',
        api.baseUrl,
        '--token',
        'cli-e2e-token-1',
      ]);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ state: 'FINISHED' });
    }, 60_000);
  });
});

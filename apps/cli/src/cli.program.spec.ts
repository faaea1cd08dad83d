import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCliConfig } from './cli.config';
import type { CliContext } from './cli.context';
import { runCli } from './cli.program';
import { nodeOperationBody } from './commands/nodes.command';

/** Runs `pipeline <args>` in-process; answers the exit code and what went to stdout / stderr. */
async function cli(args: string[], env: Record<string, string> = {}) {
  const out = { text: '', write: (t: string) => void (out.text += t) };
  const err = { text: '', write: (t: string) => void (err.text += t) };
  const ctx: CliContext = { config: loadCliConfig(env, { isTTY: false }), out, err, exitCode: 0 };
  const code = await runCli(['node', 'pipeline', ...args], ctx);
  return { code, stdout: out.text, stderr: err.text };
}

const TREE = {
  id: 't',
  start_event: { id: 's', type: 'EmptyStartEvent', incoming: '', outgoing: 'f1' },
  end_event: { id: 'e', type: 'EmptyEndEvent', incoming: ['f1'], outgoing: '' },
  activities: {},
  gateways: {},
  flows: { f1: { id: 'f1', source: 's', target: 'e' } },
  data: { inputs: {}, outputs: [] },
};

describe('pipeline (argument parsing and exit codes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-program-'));
  const good = join(dir, 'good.json');
  const bad = join(dir, 'bad.yaml');
  writeFileSync(good, JSON.stringify(TREE));
  writeFileSync(bad, 'works:\n  - a\ndags:\n  a:\n    dependences: [nope]\n');

  it('prints help with exit 0, and usage with exit 2 without a command or with an unknown one', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: pipeline');
    expect((await cli([])).code).toBe(2);
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    expect((await cli(['validate'])).code).toBe(2); // missing <file>
  });

  it('rejects malformed option values as usage errors (exit 2) with a code', async () => {
    expect(await cli(['validate', '--format', 'xml', good])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('error [USAGE]'),
    });
    expect(await cli(['run', good, '--inputs', '{oops'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('INVALID_JSON_OPTION'),
    });
    expect(await cli(['run', good, '--inputs', '[1]'])).toMatchObject({ code: 2 });
    expect(
      await cli(['runs', 'ls', '--page', '0', '--server', 'http://127.0.0.1:1']),
    ).toMatchObject({ code: 2 });
    expect(await cli(['runs', 'ls', '--server', 'ftp://x'])).toMatchObject({ code: 2 });
    expect(
      await cli(['runs', 'ls', '--state', 'sleeping', '--server', 'http://127.0.0.1:1']),
    ).toMatchObject({ code: 2 });
  });

  it('needs a server for runs and nodes commands (flag or PIPELINE_SERVER)', async () => {
    const r = await cli(['runs', 'show', 'abc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error [SERVER_REQUIRED]');
    expect((await cli(['nodes', 'retry', 'r', 'n'])).code).toBe(2);
  });

  it('validates offline: exit 0 when valid, 1 with every problem listed when invalid', async () => {
    expect(await cli(['validate', good])).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('valid'),
    });
    const r = await cli(['validate', bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('(dag)');
    expect(r.stdout).toContain('UNKNOWN_DEPENDENCE');
    const json = await cli(['validate', bad, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      valid: false,
      format: 'dag',
      errors: [expect.objectContaining({ code: 'UNKNOWN_DEPENDENCE' })],
    });
    expect((await cli(['validate', join(dir, 'missing.json')])).stderr).toContain(
      'error [FILE_NOT_FOUND]',
    );
  });

  describe('against a server', () => {
    let server: Server;
    let url: string;
    const seen: Array<{ method?: string; url?: string; auth?: string; body: string }> = [];
    beforeAll(async () => {
      server = createServer((req: IncomingMessage, res: ServerResponse) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, body });
          res.setHeader('content-type', 'application/json');
          if (req.url?.startsWith('/api/v1/runs?')) {
            res.end(
              JSON.stringify({
                items: [
                  {
                    id: 'r1',
                    pipelineId: 'p1',
                    state: 'FAILED',
                    businessKey: 'k',
                    createdAt: '2026-01-01T00:00:00.000Z',
                    finishedAt: null,
                  },
                ],
                total: 1,
                page: 2,
                pageSize: 20,
              }),
            );
          } else if (req.url === '/api/v1/runs/r1/pause') {
            res.statusCode = 409;
            res.end(
              JSON.stringify({
                statusCode: 409,
                error: 'Conflict',
                code: 'OPERATION_NOT_ALLOWED',
                message: 'cannot pause a FINISHED run',
              }),
            );
          } else if (req.url === '/api/v1/runs/r1/nodes/n1') {
            res.end(JSON.stringify({ state: 'RUNNING', version: 4 }));
          } else {
            res.end(
              JSON.stringify({
                runId: 'r1',
                runState: 'RUNNING',
                nodeId: 'n1',
                node: { state: 'RUNNING', version: 4 },
              }),
            );
          }
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise((r) => server.close(r)));

    it('lists runs as a table, with filters in the query and the token as a Bearer header', async () => {
      const r = await cli(['runs', 'ls', '--state', 'failed', '--page', '2'], {
        PIPELINE_SERVER: url,
        PIPELINE_TOKEN: 'tok-12345678',
      });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/r1.*p1.*FAILED.*k/);
      expect(r.stdout).toContain('page 2 of 1');
      expect(seen.at(-1)).toMatchObject({
        url: '/api/v1/runs?state=FAILED&page=2',
        auth: 'Bearer tok-12345678',
      });
    });

    it("exits 1 on an HTTP error, printing the server's code and message", async () => {
      const r = await cli(['runs', 'pause', 'r1', '--server', url]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        'error [OPERATION_NOT_ALLOWED]: POST /runs/r1/pause → 409: cannot pause a FINISHED run',
      );
    });

    it('sends a callback at the node’s current version when --version is not given', async () => {
      const r = await cli([
        '--json',
        'nodes',
        'callback',
        'r1',
        'n1',
        '--data',
        '{"ok": true}',
        '--server',
        url,
      ]);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ runId: 'r1' });
      expect(seen.at(-1)).toMatchObject({
        method: 'POST',
        url: '/api/v1/runs/r1/nodes/n1/callback',
        body: '{"version":4,"data":{"ok":true}}',
      });
    });

    it('exits 1 with SERVER_UNREACHABLE when nothing listens', async () => {
      const r = await cli(['runs', 'show', 'x', '--server', 'http://127.0.0.1:9']);
      expect(r).toMatchObject({
        code: 1,
        stderr: expect.stringContaining('error [SERVER_UNREACHABLE]'),
      });
    });
  });
});

describe('node operation bodies (README "Operations")', () => {
  const current = async () => 7;
  it('builds each operation’s REST body from its options', async () => {
    expect(await nodeOperationBody('retry', {}, current)).toBeUndefined();
    expect(await nodeOperationBody('retry', { inputs: { a: 1 } }, current)).toEqual({
      inputs: { a: 1 },
    });
    expect(await nodeOperationBody('forced-fail', { exData: 'slow', version: 2 }, current)).toEqual(
      { exData: 'slow', version: 2 },
    );
    expect(await nodeOperationBody('callback', { data: { ok: 1 } }, current)).toEqual({
      version: 7,
      data: { ok: 1 },
    });
    expect(await nodeOperationBody('callback', { data: 1, version: 3 }, current)).toEqual({
      version: 3,
      data: 1,
    });
    expect(await nodeOperationBody('skip-gateway', { flow: ['f1'] }, current)).toEqual({
      flowId: 'f1',
    });
    expect(await nodeOperationBody('skip-gateway', { flow: ['f1', 'f2'] }, current)).toEqual({
      flowIds: ['f1', 'f2'],
    });
    expect(await nodeOperationBody('skip', {}, current)).toBeUndefined();
    await expect(nodeOperationBody('callback', {}, current)).rejects.toMatchObject({ exitCode: 2 });
    await expect(nodeOperationBody('skip-gateway', {}, current)).rejects.toMatchObject({
      exitCode: 2,
    });
  });
});

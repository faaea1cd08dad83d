import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { ComponentData } from '../service';
import { HTTP_REQUEST_MAX_BODY_BYTES, HttpRequestComponent } from './http-request.component';

describe('http_request component', () => {
  let server: Server;
  let base: string;
  const hanging: ServerResponse[] = [];
  const component = new HttpRequestComponent();

  beforeAll(async () => {
    Logger.overrideLogger(false);
    server = createServer((req, res) => void route(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', base).pathname;
    switch (path) {
      case '/echo':
        res.writeHead(200, {
          'content-type': 'application/json; charset=utf-8',
          'x-served-by': 'spec',
        });
        res.end(JSON.stringify({ method: req.method, headers: req.headers, body }));
        return;
      case '/text':
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('hello, world');
        return;
      case '/problem-json':
        res.writeHead(422, { 'content-type': 'application/problem+json' });
        res.end('{"title":"bad"}');
        return;
      case '/bad-json':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{not json');
        return;
      case '/missing':
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('nothing here');
        return;
      case '/cookies':
        res.setHeader('set-cookie', ['a=1', 'b=2']);
        res.end();
        return;
      case '/big':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('"' + 'x'.repeat(2 * HTTP_REQUEST_MAX_BODY_BYTES) + '"');
        return;
      case '/hang':
        hanging.push(res); // never answers
        return;
      default:
        res.writeHead(500);
        res.end();
    }
  }

  async function run(inputs: Record<string, unknown>) {
    const data = new ComponentData(inputs);
    const ok = await component.execute(data);
    return { ok, outputs: data.outputs };
  }

  it('GETs a JSON response and parses it', async () => {
    const { ok, outputs } = await run({ url: `${base}/echo` });
    expect(ok).toBe(true);
    expect(outputs.status).toBe(200);
    expect(outputs.truncated).toBe(false);
    expect(outputs.body).toMatchObject({ method: 'GET', body: '' });
    expect(outputs.headers).toMatchObject({
      'x-served-by': 'spec',
      'content-type': 'application/json; charset=utf-8',
    });
    expect(outputs).not.toHaveProperty('ex_data');
  });

  it('returns a text body as text', async () => {
    const { ok, outputs } = await run({ url: `${base}/text` });
    expect(ok).toBe(true);
    expect(outputs.body).toBe('hello, world');
  });

  it('sends an object body as JSON with a content-type, and the given headers', async () => {
    const { ok, outputs } = await run({
      url: `${base}/echo`,
      method: 'post',
      headers: { 'X-Token': 'secret-value', 'X-Count': 3 },
      body: { a: 1, list: [true] },
    });
    expect(ok).toBe(true);
    const echoed = outputs.body as {
      method: string;
      headers: Record<string, string>;
      body: string;
    };
    expect(echoed.method).toBe('POST');
    expect(echoed.headers['x-token']).toBe('secret-value');
    expect(echoed.headers['x-count']).toBe('3');
    expect(echoed.headers['content-type']).toBe('application/json');
    expect(JSON.parse(echoed.body)).toEqual({ a: 1, list: [true] });
  });

  it('sends a string body as is and keeps a caller content-type', async () => {
    const { outputs } = await run({
      url: `${base}/echo`,
      method: 'PUT',
      headers: { 'content-type': 'text/csv' },
      body: 'a,b\n1,2',
    });
    const echoed = outputs.body as { headers: Record<string, string>; body: string };
    expect(echoed.body).toBe('a,b\n1,2');
    expect(echoed.headers['content-type']).toBe('text/csv');

    const json = await run({
      url: `${base}/echo`,
      method: 'PATCH',
      headers: { 'Content-Type': 'application/vnd+json' },
      body: [1],
    });
    expect((json.outputs.body as { headers: Record<string, string> }).headers['content-type']).toBe(
      'application/vnd+json',
    );
  });

  it('fails on a 404 with ex_data describing it, outputs still set', async () => {
    const { ok, outputs } = await run({ url: `${base}/missing?token=abc` });
    expect(ok).toBe(false);
    expect(outputs.status).toBe(404);
    expect(outputs.body).toBe('nothing here');
    expect(outputs.ex_data).toBe(`HTTP 404 Not Found from GET ${base}/missing?…: nothing here`);
    expect(String(outputs.ex_data)).not.toContain('abc');
  });

  it('succeeds on a 404 when failOnHttpError is false', async () => {
    const { ok, outputs } = await run({ url: `${base}/missing`, failOnHttpError: false });
    expect(ok).toBe(true);
    expect(outputs.status).toBe(404);
    expect(outputs).not.toHaveProperty('ex_data');
  });

  it('parses +json media types and keeps unparsable JSON as text', async () => {
    const problem = await run({ url: `${base}/problem-json`, failOnHttpError: false });
    expect(problem.outputs.body).toEqual({ title: 'bad' });
    const bad = await run({ url: `${base}/bad-json` });
    expect(bad.outputs.body).toBe('{not json');
  });

  it('returns set-cookie headers as an array', async () => {
    const { outputs } = await run({ url: `${base}/cookies` });
    expect((outputs.headers as Record<string, unknown>)['set-cookie']).toEqual(['a=1', 'b=2']);
  });

  it('caps the body at 1 MiB and flags it as truncated', async () => {
    const { ok, outputs } = await run({ url: `${base}/big` });
    expect(ok).toBe(true);
    expect(outputs.truncated).toBe(true);
    expect(typeof outputs.body).toBe('string');
    expect((outputs.body as string).length).toBe(HTTP_REQUEST_MAX_BODY_BYTES);
  });

  it('fails with a clear ex_data on timeout', async () => {
    const { ok, outputs } = await run({ url: `${base}/hang`, timeoutSeconds: 0.2 });
    expect(ok).toBe(false);
    expect(outputs.ex_data).toBe(`GET ${base}/hang timed out after 0.2s`);
  });

  it('fails with a clear ex_data on a network error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const { ok, outputs } = await run({ url: `http://127.0.0.1:${port}/x` });
    expect(ok).toBe(false);
    expect(outputs.ex_data).toMatch(
      new RegExp(`^GET http://127\\.0\\.0\\.1:${port}/x failed: .*ECONNREFUSED`),
    );
  });

  it.each([
    [{}, "input 'url' is required (a string)"],
    [{ url: 'not a url' }, "input 'url' must be an absolute http:// or https:// URL"],
    [{ url: 'ftp://example.com/x' }, "input 'url' must use http or https, not ftp"],
    [
      { url: 'http://u:p@example.com/' },
      "input 'url' must not hold credentials; send them in an Authorization header",
    ],
    [
      { url: 'http://example.com', method: 'GE T' },
      'input \'method\' is not a supported HTTP method: "GE T"',
    ],
    [
      { url: 'http://example.com', method: 'CONNECT' },
      'input \'method\' is not a supported HTTP method: "CONNECT"',
    ],
    [{ url: 'http://example.com', headers: 'x' }, `input 'headers' must be an object, got "x"`],
    [
      { url: 'http://example.com', headers: { a: { b: 1 } } },
      "input 'headers': the value of 'a' must be a string",
    ],
    [
      { url: 'http://example.com', headers: { 'bad name': 'v' } },
      "input 'headers': 'bad name' is not a valid header name or value",
    ],
    [{ url: 'http://example.com', body: 'x' }, "input 'body' is not allowed with GET"],
    [
      { url: 'http://example.com', timeoutSeconds: 0 },
      "input 'timeoutSeconds' must be a number > 0 and <= 600, got 0",
    ],
    [
      { url: 'http://example.com', timeoutSeconds: 'abc' },
      `input 'timeoutSeconds' must be a number > 0 and <= 600, got "abc"`,
    ],
    [
      { url: 'http://example.com', failOnHttpError: 'no' },
      `input 'failOnHttpError' must be true or false, got "no"`,
    ],
  ])('rejects bad inputs without a request: %j', async (inputs, exData) => {
    const { ok, outputs } = await run(inputs);
    expect(ok).toBe(false);
    expect(outputs).toEqual({ ex_data: exData });
  });

  it('describes its inputs and outputs', () => {
    expect(component.inputsFormat().map((f) => f.key)).toEqual([
      'url',
      'method',
      'headers',
      'body',
      'timeoutSeconds',
      'failOnHttpError',
    ]);
    expect(component.outputsFormat().map((f) => f.key)).toEqual([
      'status',
      'headers',
      'body',
      'truncated',
    ]);
  });
});

import { ApiClient, ApiError, queryString, type TokenSource } from './api-client';

function tokens(answers: (string | null)[]): TokenSource & { stored: string | null; asked: string[] } {
  const source = {
    stored: null as string | null,
    asked: [] as string[],
    get: () => source.stored,
    set: (t: string | null) => void (source.stored = t),
    ask: async (reason: string) => {
      source.asked.push(reason);
      return answers.shift() ?? null;
    },
  };
  return source;
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('ApiClient', () => {
  it('sends the token and asks for another one on a 401, then retries', async () => {
    const source = tokens(['good-token-1']);
    const seen: (string | undefined)[] = [];
    const fetchFn = jest.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
      const auth = (init?.headers as Record<string, string>).authorization;
      seen.push(auth);
      return auth === 'Bearer good-token-1' ? json(200, { items: [], total: 0, page: 1, pageSize: 100 }) : json(401, { statusCode: 401, message: 'Missing bearer token' });
    });
    const client = new ApiClient(source, '/api/v1', fetchFn as typeof fetch);
    await expect(client.listPipelines()).resolves.toMatchObject({ total: 0 });
    expect(seen).toEqual([undefined, 'Bearer good-token-1']);
    expect(source.stored).toBe('good-token-1');
    expect(source.asked).toEqual(['This server needs an API token.']);
    expect(fetchFn.mock.calls[0][0]).toBe('/api/v1/pipelines?page=1&pageSize=100');
  });

  it('throws the api error when the user gives up', async () => {
    const client = new ApiClient(tokens([null]), '/api/v1', (async () => json(401, { statusCode: 401, message: 'Missing bearer token', code: 'UNAUTHORIZED' })) as typeof fetch);
    await expect(client.getRun('r')).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED', message: 'Missing bearer token' });
  });

  it('answers errors with their code and details', async () => {
    const body = { statusCode: 400, message: 'bad', code: 'INVALID_REQUEST', details: [{ path: 'inputs', message: 'must be an object' }] };
    const fetchFn = jest.fn(async () => json(400, body));
    const client = new ApiClient(tokens([]), '/api/v1', fetchFn as unknown as typeof fetch);
    const err = await client.startRun('p', { inputs: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, code: 'INVALID_REQUEST', details: [{ path: 'inputs', message: 'must be an object' }] });
    const [url, init] = fetchFn.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/pipelines/p/runs');
    expect(init).toMatchObject({ method: 'POST', body: '{"inputs":{}}' });
  });

  it('posts node operations to their path', async () => {
    const fetchFn = jest.fn(async () => json(200, { runId: 'r', runState: 'RUNNING' }));
    const client = new ApiClient(tokens([]), '/api/v1', fetchFn as unknown as typeof fetch);
    await client.nodeOperation('r', 'n 1', 'callback', { version: 1, data: {} });
    expect((fetchFn.mock.calls[0] as unknown as [string])[0]).toBe('/api/v1/runs/r/nodes/n%201/callback');
  });

  it('builds query strings of the set values', () => {
    expect(queryString({ a: 1, b: '', c: undefined, d: null, e: 'x y' })).toBe('?a=1&e=x+y');
    expect(queryString({})).toBe('');
  });
});

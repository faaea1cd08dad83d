import { brokenTree, linearTree } from './utils/trees';
import { type EmbeddedApp, startEmbeddedApp } from './utils/embedded-app';

describe('pipelines API (embedded app)', () => {
  let api: EmbeddedApp;
  beforeAll(async () => {
    api = await startEmbeddedApp();
  });
  afterAll(() => api?.close());

  describe('POST /api/v1/pipelines', () => {
    it('stores a valid tree as version 1 with a key derived from the name', async () => {
      const res = await api
        .http()
        .post('/api/v1/pipelines')
        .send({ name: 'Nightly Export', definition: linearTree() })
        .expect(201);
      expect(res.body).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        key: 'nightly-export',
        name: 'Nightly Export',
        version: 1,
        latestVersion: 1,
        enabled: true,
        maxConcurrentRuns: null,
        queueMode: 'fifo',
        format: 'tree',
        definition: linearTree(),
      });
    });

    it('suffixes a derived key that is taken, and refuses a given key that is taken', async () => {
      const again = await api
        .http()
        .post('/api/v1/pipelines')
        .send({ name: 'Nightly export', definition: linearTree() })
        .expect(201);
      expect(again.body.key).toBe('nightly-export-2');
      const dup = await api
        .http()
        .post('/api/v1/pipelines')
        .send({ name: 'x', key: 'nightly-export', definition: linearTree() })
        .expect(409);
      expect(dup.body).toMatchObject({
        statusCode: 409,
        error: 'Conflict',
        code: 'DUPLICATE_KEY',
        key: 'nightly-export',
      });
    });

    it('keeps settings and keys as given', async () => {
      const res = await api
        .http()
        .post('/api/v1/pipelines')
        .send({
          name: 'Capped',
          key: 'capped',
          definition: linearTree(),
          enabled: false,
          maxConcurrentRuns: 2,
          queueMode: 'lifo',
        })
        .expect(201);
      expect(res.body).toMatchObject({
        key: 'capped',
        enabled: false,
        maxConcurrentRuns: 2,
        queueMode: 'lifo',
      });
    });

    it('answers 400 with every problem of an invalid tree in details', async () => {
      const res = await api
        .http()
        .post('/api/v1/pipelines')
        .send({ name: 'Broken', definition: brokenTree() })
        .expect(400);
      expect(res.body).toMatchObject({
        statusCode: 400,
        error: 'Bad Request',
        code: 'INVALID_TREE',
        message: expect.any(String),
      });
      expect(res.body.details.length).toBeGreaterThanOrEqual(2);
      for (const issue of res.body.details) {
        expect(issue).toEqual(
          expect.objectContaining({
            code: expect.any(String),
            path: expect.any(String),
            message: expect.any(String),
          }),
        );
      }
      expect(res.body.details).toContainEqual(
        expect.objectContaining({ code: 'UNKNOWN_COMPONENT', nodeId: 'a1' }),
      );
    });

    it('answers 400 with each bad field listed for a bad request', async () => {
      const res = await api
        .http()
        .post('/api/v1/pipelines')
        .send({ name: 42, definition: 'not a tree', queueMode: 'random', maxConcurrentRuns: 0 })
        .expect(400);
      expect(res.body).toMatchObject({
        statusCode: 400,
        error: 'Bad Request',
        code: 'INVALID_REQUEST',
      });
      const paths = res.body.details.map((d: { path: string }) => d.path);
      expect(paths).toEqual(
        expect.arrayContaining(['name', 'definition', 'queueMode', 'maxConcurrentRuns']),
      );
      for (const d of res.body.details)
        expect(d).toEqual({
          code: 'INVALID_REQUEST',
          path: expect.any(String),
          message: expect.any(String),
        });
    });

    it('refuses unknown formats', async () => {
      const res = await api
        .http()
        .post('/api/v1/pipelines')
        .send({ name: 'Bpmn', format: 'bpmn', definition: {} })
        .expect(400);
      expect(res.body.code).toBe('UNSUPPORTED_FORMAT');
    });

    it('answers a definition in another format in its own terms, every problem listed', async () => {
      const res = await api
        .http()
        .post('/api/v1/pipelines')
        .send({ name: 'Dag', format: 'dag', definition: { works: ['a', 'a'], dags: { b: {} }, scheduler_mode: 'random' } })
        .expect(400);
      expect(res.body.details).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ code: 'DUPLICATE_ID', nodeId: 'a', path: 'works[1]' }),
          expect.objectContaining({ code: 'UNKNOWN_DEPENDENCE', nodeId: 'b', path: 'dags.b' }),
          expect.objectContaining({ code: 'INVALID_SCHEMA', path: 'scheduler_mode' }),
        ]),
      );
    });

    it('answers 400 for malformed JSON without echoing the body', async () => {
      const res = await api
        .http()
        .post('/api/v1/pipelines')
        .set('Content-Type', 'application/json')
        .send('{"name": "secret-value-123", ')
        .expect(400);
      expect(res.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: expect.any(String),
        code: 'MALFORMED_JSON',
      });
      expect(JSON.stringify(res.body)).not.toContain('secret-value-123');
    });
  });

  describe('POST /api/v1/pipelines/validate', () => {
    it('answers valid for a good tree and stores nothing', async () => {
      const before = await api.http().get('/api/v1/pipelines').expect(200);
      const res = await api
        .http()
        .post('/api/v1/pipelines/validate')
        .send({ definition: linearTree() })
        .expect(200);
      expect(res.body).toEqual({ valid: true, errors: [] });
      const after = await api.http().get('/api/v1/pipelines').expect(200);
      expect(after.body.total).toBe(before.body.total);
    });

    it('answers 200 valid:false with every problem for a bad tree', async () => {
      const res = await api
        .http()
        .post('/api/v1/pipelines/validate')
        .send({ definition: brokenTree() })
        .expect(200);
      expect(res.body.valid).toBe(false);
      expect(res.body.errors).toContainEqual(
        expect.objectContaining({ code: 'UNKNOWN_COMPONENT', nodeId: 'a1' }),
      );
    });
  });

  describe('reading and versions', () => {
    let id: string;
    beforeAll(async () => {
      const res = await api
        .http()
        .post('/api/v1/pipelines')
        .send({ name: 'Versioned', definition: linearTree('v1') })
        .expect(201);
      id = res.body.id;
    });

    it('reads a pipeline by id and by key', async () => {
      const byId = await api.http().get(`/api/v1/pipelines/${id}`).expect(200);
      expect(byId.body).toMatchObject({
        id,
        key: 'versioned',
        version: 1,
        definition: linearTree('v1'),
      });
      const byKey = await api.http().get('/api/v1/pipelines/versioned').expect(200);
      expect(byKey.body.id).toBe(id);
    });

    it('stores a new version on PUT and keeps the old ones readable', async () => {
      const put = await api
        .http()
        .put(`/api/v1/pipelines/${id}`)
        .send({ definition: linearTree('v2'), name: 'Versioned 2' })
        .expect(200);
      expect(put.body).toMatchObject({
        id,
        version: 2,
        latestVersion: 2,
        name: 'Versioned 2',
        definition: linearTree('v2'),
      });
      const latest = await api.http().get(`/api/v1/pipelines/${id}`).expect(200);
      expect(latest.body).toMatchObject({ version: 2, definition: { id: 'v2' } });
      const old = await api.http().get(`/api/v1/pipelines/${id}?version=1`).expect(200);
      expect(old.body).toMatchObject({ version: 1, latestVersion: 2, definition: { id: 'v1' } });
    });

    it('refuses an invalid new version and keeps the latest', async () => {
      const res = await api
        .http()
        .put(`/api/v1/pipelines/${id}`)
        .send({ definition: brokenTree() })
        .expect(400);
      expect(res.body.code).toBe('INVALID_TREE');
      const latest = await api.http().get(`/api/v1/pipelines/${id}`).expect(200);
      expect(latest.body.latestVersion).toBe(2);
    });

    it('changes settings on PATCH without a new version', async () => {
      const res = await api
        .http()
        .patch(`/api/v1/pipelines/${id}`)
        .send({ enabled: false, maxConcurrentRuns: 3 })
        .expect(200);
      expect(res.body).toMatchObject({ enabled: false, maxConcurrentRuns: 3, latestVersion: 2 });
      const back = await api
        .http()
        .patch(`/api/v1/pipelines/${id}`)
        .send({ enabled: true, maxConcurrentRuns: null })
        .expect(200);
      expect(back.body).toMatchObject({ enabled: true, maxConcurrentRuns: null });
    });

    it('answers 404 for an unknown id or version', async () => {
      const res = await api
        .http()
        .get('/api/v1/pipelines/00000000-0000-4000-8000-000000000000')
        .expect(404);
      expect(res.body).toMatchObject({
        statusCode: 404,
        error: 'Not Found',
        code: 'NOT_FOUND',
        resource: 'pipeline',
      });
      const version = await api.http().get(`/api/v1/pipelines/${id}?version=99`).expect(404);
      expect(version.body).toMatchObject({
        code: 'NOT_FOUND',
        resource: 'version',
        latestVersion: 2,
      });
      await api.http().put('/api/v1/pipelines/nope').send({ definition: linearTree() }).expect(404);
    });

    it('answers 400 for a bad version query', async () => {
      const res = await api.http().get(`/api/v1/pipelines/${id}?version=abc`).expect(400);
      expect(res.body.details).toContainEqual(expect.objectContaining({ path: 'version' }));
    });

    it('lists pipelines newest first, paged', async () => {
      const res = await api.http().get('/api/v1/pipelines?page=1&pageSize=2').expect(200);
      expect(res.body).toMatchObject({ page: 1, pageSize: 2, total: expect.any(Number) });
      expect(res.body.items).toHaveLength(2);
      expect(res.body.items[0]).not.toHaveProperty('definition');
      expect(res.body.total).toBeGreaterThanOrEqual(4);
      await api.http().get('/api/v1/pipelines?pageSize=1000').expect(400);
    });
  });

  describe('runs API validation', () => {
    it('answers 400 for an invalid inline tree', async () => {
      const res = await api
        .http()
        .post('/api/v1/runs')
        .send({ definition: brokenTree() })
        .expect(400);
      expect(res.body.code).toBe('INVALID_TREE');
    });

    it('answers 400 for a bad state filter', async () => {
      const res = await api.http().get('/api/v1/runs?state=SLEEPING').expect(400);
      expect(res.body.details).toContainEqual(
        expect.objectContaining({ code: 'INVALID_REQUEST', path: 'state' }),
      );
    });

    it('answers 404 for a run of an unknown pipeline', async () => {
      await api.http().post('/api/v1/pipelines/does-not-exist/runs').send({}).expect(404);
    });
  });

  describe('health and docs', () => {
    it('serves /health and /api/v1/health', async () => {
      const res = await api.http().get('/health').expect(200);
      expect(res.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
      await api.http().get('/api/v1/health').expect(200);
    });

    it('serves the OpenAPI document', async () => {
      const res = await api.http().get('/api/docs-json').expect(200);
      expect(res.body.openapi).toMatch(/^3\./);
      expect(Object.keys(res.body.paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/pipelines',
          '/api/v1/pipelines/validate',
          '/api/v1/pipelines/{id}',
          '/api/v1/runs',
          '/health',
        ]),
      );
      await api.http().get('/api/docs').expect(200);
    });

    it('answers unknown routes with a 404 in the error shape', async () => {
      const res = await api.http().get('/api/v1/nothing-here').expect(404);
      expect(res.body).toMatchObject({
        statusCode: 404,
        error: 'Not Found',
        message: expect.any(String),
      });
    });
  });
});

describe('body limit', () => {
  let api: EmbeddedApp;
  beforeAll(async () => {
    api = await startEmbeddedApp({ BODY_LIMIT: '2kb' });
  });
  afterAll(() => api?.close());

  it('answers 413 for a body over BODY_LIMIT', async () => {
    const definition = { ...linearTree(), padding: 'x'.repeat(4096) };
    const res = await api
      .http()
      .post('/api/v1/pipelines')
      .send({ name: 'Big', definition })
      .expect(413);
    expect(res.body).toMatchObject({
      statusCode: 413,
      error: 'Payload Too Large',
      code: 'PAYLOAD_TOO_LARGE',
    });
  });
});

describe('API tokens', () => {
  const token = 'e2e-token-0123456789';
  let api: EmbeddedApp;
  beforeAll(async () => {
    api = await startEmbeddedApp({ API_TOKENS: `other-token-abcdef,${token}` });
  });
  afterAll(() => api?.close());

  it('answers 401 without a token or with a wrong one', async () => {
    const missing = await api.http().get('/api/v1/pipelines').expect(401);
    expect(missing.body).toMatchObject({
      statusCode: 401,
      error: 'Unauthorized',
      message: expect.any(String),
    });
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer/);
    await api
      .http()
      .get('/api/v1/pipelines')
      .set('Authorization', 'Bearer wrong-token-xyz')
      .expect(401);
    await api.http().get('/api/v1/pipelines').set('Authorization', `Basic ${token}`).expect(401);
    await api.http().post('/api/v1/runs').send({ definition: linearTree() }).expect(401);
  });

  it('lets a listed token through', async () => {
    await api.http().get('/api/v1/pipelines').set('Authorization', `Bearer ${token}`).expect(200);
    await api
      .http()
      .get('/api/v1/pipelines')
      .set('Authorization', 'bearer other-token-abcdef')
      .expect(200);
  });

  it('keeps /health open', async () => {
    await api.http().get('/health').expect(200);
    await api.http().get('/api/v1/health').expect(200);
  });
});

import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { type EmbeddedApp, startEmbeddedApp } from './utils/embedded-app';
import { describeWithRedis } from './utils/services';

const OPS = 'ops-token-1234';
const CI = 'ci-token-5678';

describe('API rate limits (embedded app)', () => {
  describe('with a low limit and API_TOKENS', () => {
    let api: EmbeddedApp;
    beforeAll(async () => {
      api = await startEmbeddedApp({
        API_TOKENS: `${OPS},${CI}`,
        RATE_LIMIT_PER_MINUTE: '3',
        RATE_LIMIT_BURST_PER_SECOND: '0',
      });
    });
    afterAll(() => api?.close());

    const list = (token: string) =>
      api.http().get('/api/v1/pipelines').set('Authorization', `Bearer ${token}`);

    it('answers 429 with Retry-After and the API error shape past the limit', async () => {
      for (let i = 0; i < 3; i++) {
        const ok = await list(OPS).expect(200);
        expect(ok.headers['x-ratelimit-limit']).toBe('3');
      }
      const limited = await list(OPS).expect(429);
      const retryAfter = Number(limited.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(limited.body).toEqual({
        statusCode: 429,
        error: 'Too Many Requests',
        message: expect.stringContaining('Rate limit exceeded'),
        code: 'RATE_LIMITED',
      });
      expect(JSON.stringify(limited.body)).not.toContain(OPS);
    });

    it('counts each token on its own, across routes', async () => {
      await list(CI).expect(200);
      await api.http().get('/api/v1/runs').set('Authorization', `Bearer ${CI}`).expect(200);
      await api
        .http()
        .get('/api/v1/schedules/none')
        .set('Authorization', `Bearer ${CI}`)
        .expect(404);
      await list(CI).expect(429);
      await list(OPS).expect(429);
    });

    it('never limits /health', async () => {
      for (let i = 0; i < 5; i++) await api.http().get('/health').expect(200);
    });

    it('limits requests with unknown tokens by address (before the 401)', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await api
          .http()
          .get('/api/v1/pipelines')
          .set('Authorization', `Bearer guess-${i}-xxxxxxxx`);
        statuses.push(res.status);
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
    });
  });

  describe('with the defaults', () => {
    let api: EmbeddedApp;
    beforeAll(async () => {
      // Empty = unset: the app's own defaults, not the test harness's (limits off).
      api = await startEmbeddedApp({ RATE_LIMIT_PER_MINUTE: '', RATE_LIMIT_BURST_PER_SECOND: '' });
    });
    afterAll(() => api?.close());

    it('is generous: a quick series of 150 calls all pass', async () => {
      const statuses = await Promise.all(
        Array.from({ length: 150 }, () =>
          api
            .http()
            .get('/api/v1/pipelines')
            .then((r) => r.status),
        ),
      );
      expect(statuses.every((s) => s === 200)).toBe(true);
      const res = await api.http().get('/api/v1/pipelines').expect(200);
      expect(res.headers['x-ratelimit-limit']).toBe('6000');
      expect(Number(res.headers['x-ratelimit-remaining'])).toBeGreaterThan(5_000);
    });
  });

  describe('switched off', () => {
    it('sends no rate-limit headers when both limits are 0', async () => {
      const api = await startEmbeddedApp({
        RATE_LIMIT_PER_MINUTE: '0',
        RATE_LIMIT_BURST_PER_SECOND: '0',
      });
      try {
        const res = await api.http().get('/api/v1/pipelines').expect(200);
        expect(res.headers['x-ratelimit-limit']).toBeUndefined();
      } finally {
        await api.close();
      }
    });
  });

  describeWithRedis('with REDIS_URL: counted in Redis, shared by api processes', (redisUrl) => {
    const prefix = `pipeline_test_rl_${randomBytes(5).toString('hex')}`;
    let apis: EmbeddedApp[] = [];
    beforeAll(async () => {
      const env = {
        REDIS_URL: redisUrl,
        PIPELINE_QUEUE_PREFIX: prefix,
        RATE_LIMIT_PER_MINUTE: '3',
      };
      apis = [await startEmbeddedApp(env), await startEmbeddedApp(env)];
    }, 60_000);
    afterAll(async () => {
      await Promise.all(apis.map((a) => a.close()));
      const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    });

    it('refuses the call past the budget whichever replica gets it', async () => {
      const [a, b] = apis;
      const statuses = [];
      for (const api of [a, b, a, b])
        statuses.push((await api.http().get('/api/v1/pipelines')).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const limited = await a.http().get('/api/v1/pipelines').expect(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(limited.body.code).toBe('RATE_LIMITED');
    });
  });
});

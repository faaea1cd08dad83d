import { type EmbeddedApp, startEmbeddedApp } from './utils/embedded-app';

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
      await api.http().get('/api/v1/schedules/none').set('Authorization', `Bearer ${CI}`).expect(404);
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
      api = await startEmbeddedApp();
    });
    afterAll(() => api?.close());

    it('is generous: a quick series of 150 calls all pass', async () => {
      const statuses = await Promise.all(
        Array.from({ length: 150 }, () => api.http().get('/api/v1/pipelines').then((r) => r.status)),
      );
      expect(statuses.every((s) => s === 200)).toBe(true);
      const res = await api.http().get('/api/v1/pipelines').expect(200);
      expect(res.headers['x-ratelimit-limit']).toBe('6000');
      expect(Number(res.headers['x-ratelimit-remaining'])).toBeGreaterThan(5_000);
    });
  });

  describe('switched off', () => {
    it('sends no rate-limit headers when both limits are 0', async () => {
      const api = await startEmbeddedApp({ RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_BURST_PER_SECOND: '0' });
      try {
        const res = await api.http().get('/api/v1/pipelines').expect(200);
        expect(res.headers['x-ratelimit-limit']).toBeUndefined();
      } finally {
        await api.close();
      }
    });
  });
});

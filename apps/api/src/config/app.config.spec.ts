import { logLevelsFor, validateAppConfig } from './app.config';

describe('validateAppConfig', () => {
  it('applies the documented defaults', () => {
    const config = validateAppConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      DATABASE_URL: 'sqlite:./data/pipeline.sqlite',
      API_TOKENS: [],
      PIPELINE_EVENT_SIGNALS_ENABLED: false,
      BODY_LIMIT: '5mb',
      LOG_LEVEL: 'log',
      SHUTDOWN_TIMEOUT_MS: 45_000,
    });
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.mode).toBe('embedded');
  });

  it('reads every setting', () => {
    const config = validateAppConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATABASE_URL: 'mysql://u:p@db:3306/pipeline',
      REDIS_URL: 'redis://cache:6379/0',
      API_TOKENS: ' token-one-1234 , token-two-5678,, ',
      PIPELINE_EVENT_SIGNALS_ENABLED: 'true',
      BODY_LIMIT: '10mb',
      LOG_LEVEL: 'DEBUG',
      UNRELATED: 'ignored',
    });
    expect(config).toMatchObject({
      PORT: 8080,
      HOST: '0.0.0.0',
      REDIS_URL: 'redis://cache:6379/0',
      API_TOKENS: ['token-one-1234', 'token-two-5678'],
      PIPELINE_EVENT_SIGNALS_ENABLED: true,
      BODY_LIMIT: '10mb',
      LOG_LEVEL: 'debug',
    });
    expect(config.mode).toBe('distributed');
  });

  it('listens on all interfaces by default in distributed mode', () => {
    expect(validateAppConfig({ REDIS_URL: 'redis://r:6379' }).HOST).toBe('0.0.0.0');
  });

  it('accepts the seed name of the signals switch, the new name winning', () => {
    expect(
      validateAppConfig({ ENABLE_PIPELINE_EVENT_SIGNALS: '1' }).PIPELINE_EVENT_SIGNALS_ENABLED,
    ).toBe(true);
    expect(
      validateAppConfig({
        ENABLE_PIPELINE_EVENT_SIGNALS: 'true',
        PIPELINE_EVENT_SIGNALS_ENABLED: 'false',
      }).PIPELINE_EVENT_SIGNALS_ENABLED,
    ).toBe(false);
  });

  it('bounds a graceful stop with SHUTDOWN_TIMEOUT_MS (1 s to 10 min)', () => {
    expect(validateAppConfig({ SHUTDOWN_TIMEOUT_MS: '3000' }).SHUTDOWN_TIMEOUT_MS).toBe(3_000);
    expect(() => validateAppConfig({ SHUTDOWN_TIMEOUT_MS: 'soon' })).toThrow(/SHUTDOWN_TIMEOUT_MS/);
    expect(() => validateAppConfig({ SHUTDOWN_TIMEOUT_MS: '999999999' })).toThrow(/SHUTDOWN_TIMEOUT_MS/);
  });

  it('caps the long poll of fetch-and-lock with EXTERNAL_TASK_MAX_WAIT_SECONDS (0 to 300)', () => {
    expect(validateAppConfig({}).EXTERNAL_TASK_MAX_WAIT_SECONDS).toBe(60);
    expect(validateAppConfig({ EXTERNAL_TASK_MAX_WAIT_SECONDS: '20' }).EXTERNAL_TASK_MAX_WAIT_SECONDS).toBe(20);
    expect(() => validateAppConfig({ EXTERNAL_TASK_MAX_WAIT_SECONDS: '301' })).toThrow(/EXTERNAL_TASK_MAX_WAIT_SECONDS/);
    expect(() => validateAppConfig({ EXTERNAL_TASK_MAX_WAIT_SECONDS: 'long' })).toThrow(/EXTERNAL_TASK_MAX_WAIT_SECONDS/);
  });

  it('reads the webhook outbox settings (DESIGN §8.6), with at least 24 h of retries by default', () => {
    const defaults = validateAppConfig({}).webhooks;
    expect(defaults).toEqual({ pollIntervalMs: 300, concurrency: 16, timeoutMs: 10_000, maxAgeMs: 90_000_000, backoff: { baseMs: 1_000 } });
    expect(defaults.maxAgeMs).toBeGreaterThanOrEqual(24 * 3_600_000);
    const set = validateAppConfig({
      WEBHOOK_POLL_INTERVAL_MS: '50',
      WEBHOOK_CONCURRENCY: '4',
      WEBHOOK_TIMEOUT_MS: '2000',
      WEBHOOK_MAX_AGE_MS: '60000',
      WEBHOOK_RETRY_BASE_MS: '20',
    }).webhooks;
    expect(set).toEqual({ pollIntervalMs: 50, concurrency: 4, timeoutMs: 2_000, maxAgeMs: 60_000, backoff: { baseMs: 20 } });
    expect(() => validateAppConfig({ WEBHOOK_CONCURRENCY: '0', WEBHOOK_TIMEOUT_MS: 'soon' })).toThrow(/WEBHOOK_CONCURRENCY[\s\S]*WEBHOOK_TIMEOUT_MS/);
  });

  it('serves the web console from CONSOLE_DIR when set (default: the checkout\'s dist/console)', () => {
    expect(validateAppConfig({}).CONSOLE_DIR).toBeUndefined();
    expect(validateAppConfig({ CONSOLE_DIR: ' /srv/console ' }).CONSOLE_DIR).toBe('/srv/console');
  });

  it('treats empty values as unset', () => {
    expect(validateAppConfig({ PORT: '', API_TOKENS: '', REDIS_URL: ' ' })).toMatchObject({
      PORT: 3000,
      API_TOKENS: [],
      REDIS_URL: undefined,
    });
  });

  it('fails with one message listing every bad setting', () => {
    let message = '';
    try {
      validateAppConfig({
        PORT: 'eighty',
        DATABASE_URL: 'postgres://x',
        PIPELINE_EVENT_SIGNALS_ENABLED: 'maybe',
        LOG_LEVEL: 'loud',
        BODY_LIMIT: 'huge',
        API_TOKENS: 'short',
        REDIS_URL: 'http://x',
      });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^Invalid configuration:/);
    for (const key of [
      'PORT',
      'DATABASE_URL',
      'PIPELINE_EVENT_SIGNALS_ENABLED',
      'LOG_LEVEL',
      'BODY_LIMIT',
      'API_TOKENS',
      'REDIS_URL',
    ]) {
      expect(message).toContain(key);
    }
    expect(message).not.toContain('short'); // token values are never echoed
  });

  it('reads the rate limits: generous by default, 0 switches one off, bad values fail boot', () => {
    const defaults = validateAppConfig({});
    expect(defaults).toMatchObject({ RATE_LIMIT_PER_MINUTE: 6_000, RATE_LIMIT_BURST_PER_SECOND: 300 });
    expect(defaults.rateLimited).toBe(true);
    const set = validateAppConfig({ RATE_LIMIT_PER_MINUTE: '120', RATE_LIMIT_BURST_PER_SECOND: '0' });
    expect(set).toMatchObject({ RATE_LIMIT_PER_MINUTE: 120, RATE_LIMIT_BURST_PER_SECOND: 0 });
    expect(set.rateLimited).toBe(true);
    expect(
      validateAppConfig({ RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_BURST_PER_SECOND: '0' }).rateLimited,
    ).toBe(false);
    expect(() =>
      validateAppConfig({ RATE_LIMIT_PER_MINUTE: 'lots', RATE_LIMIT_BURST_PER_SECOND: '-1' }),
    ).toThrow(/RATE_LIMIT_PER_MINUTE[\s\S]*RATE_LIMIT_BURST_PER_SECOND/);
  });

  it('rejects out-of-range ports', () => {
    expect(() => validateAppConfig({ PORT: '70000' })).toThrow(/PORT/);
  });

  it('reads the timer settings of DESIGN §7 through their libs, listing their problems with the rest', () => {
    const config = validateAppConfig({
      PIPELINE_NODE_TIMEOUT_EXECUTING_POOL: 'timeouts',
      PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL: '0.2',
    });
    expect(config.nodeTimeout.PIPELINE_NODE_TIMEOUT_EXECUTING_POOL).toBe('timeouts');
    expect(config.nodeTimerEvent.PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL).toBe(0.2);
    expect(config.nodeTimerEvent.PIPELINE_NODE_TIMER_EVENT_KEY_PREFIX).toBe('bamboo:v1:node_timer_event');
    expect(() =>
      validateAppConfig({ PORT: 'x', PIPELINE_NODE_TIMEOUT_HANDLE_QUEUE: 'a:b', PIPELINE_NODE_TIMER_EVENT_MAX_EXPIRE_TIME: '0' }),
    ).toThrow(/PORT[\s\S]*PIPELINE_NODE_TIMEOUT_HANDLE_QUEUE[\s\S]*PIPELINE_NODE_TIMER_EVENT_MAX_EXPIRE_TIME/);
  });
});

describe('logLevelsFor', () => {
  it('enables the level and everything more severe', () => {
    expect(logLevelsFor('warn')).toEqual(['fatal', 'error', 'warn']);
    expect(logLevelsFor('verbose')).toHaveLength(6);
  });
});

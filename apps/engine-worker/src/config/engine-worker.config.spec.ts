import { validateEngineWorkerConfig } from './engine-worker.config';

describe('validateEngineWorkerConfig', () => {
  it('applies defaults and converts numbers', () => {
    const config = validateEngineWorkerConfig({
      REDIS_URL: 'redis://127.0.0.1:6379/0',
      HEALTH_PORT: '4001',
    });
    expect(config).toMatchObject({
      DATABASE_URL: 'sqlite:./data/pipeline.sqlite',
      REDIS_URL: 'redis://127.0.0.1:6379/0',
      HEALTH_PORT: 4001,
      HEALTH_HOST: '127.0.0.1',
    });
  });

  it('defaults the health port to 3001', () => {
    expect(validateEngineWorkerConfig({ REDIS_URL: 'redis://r:6379' }).HEALTH_PORT).toBe(3001);
  });

  it('reports every problem at once', () => {
    expect(() =>
      validateEngineWorkerConfig({ DATABASE_URL: 'postgres://x', HEALTH_PORT: '70000' }),
    ).toThrow(/DATABASE_URL must start with mysql:, mariadb: or sqlite:; REDIS_URL is required; HEALTH_PORT/);
  });

  it('bounds a graceful stop: SHUTDOWN_TIMEOUT_MS defaults to 45 s and must be 1 s to 10 min', () => {
    expect(validateEngineWorkerConfig({ REDIS_URL: 'redis://r:6379' }).SHUTDOWN_TIMEOUT_MS).toBe(45_000);
    expect(validateEngineWorkerConfig({ REDIS_URL: 'redis://r:6379', SHUTDOWN_TIMEOUT_MS: '5000' }).SHUTDOWN_TIMEOUT_MS).toBe(5_000);
    expect(() => validateEngineWorkerConfig({ REDIS_URL: 'redis://r:6379', SHUTDOWN_TIMEOUT_MS: '10' })).toThrow(/SHUTDOWN_TIMEOUT_MS/);
  });
});

import { DEFAULT_ENGINE_QUEUE_SETTINGS, engineQueueSettings } from './queue-settings';
import { assertRedisUrl, redactRedisUrl, redisConnectionOptions } from './redis-connection';

describe('engineQueueSettings', () => {
  it('answers the defaults', () => {
    expect(engineQueueSettings()).toEqual(DEFAULT_ENGINE_QUEUE_SETTINGS);
    expect(engineQueueSettings()).toMatchObject({
      queueName: 'pipeline_engine',
      prefix: 'pipeline',
      concurrency: 16,
    });
  });

  it('applies overrides and ignores undefined ones', () => {
    const s = engineQueueSettings({ concurrency: 4, queueName: undefined, prefix: 'bamboo:v1' });
    expect(s.concurrency).toBe(4);
    expect(s.queueName).toBe('pipeline_engine');
    expect(s.prefix).toBe('bamboo:v1');
  });

  it.each([
    [{ queueName: 'a:b' }, /queueName/],
    [{ queueName: '' }, /queueName/],
    [{ prefix: '' }, /prefix/],
    [{ concurrency: 0 }, /concurrency/],
    [{ attempts: 1.5 }, /attempts/],
    [{ backoffMs: -1 }, /backoffMs/],
    [{ lockDurationMs: Number.NaN }, /lockDurationMs/],
  ])('refuses %j', (overrides, message) => {
    expect(() => engineQueueSettings(overrides)).toThrow(message);
  });
});

describe('redis connection helpers', () => {
  it('accepts redis:// and rediss:// URLs with a db number, nothing else', () => {
    expect(() => assertRedisUrl('redis://127.0.0.1:6379/11')).not.toThrow();
    expect(() => assertRedisUrl('rediss://u:p@example.com:6380')).not.toThrow();
    expect(() => assertRedisUrl('http://127.0.0.1:6379')).toThrow(/redis:\/\//);
    expect(() => assertRedisUrl('redis://127.0.0.1:6379/x')).toThrow(/db number/);
    expect(() => assertRedisUrl('not a url')).toThrow(/invalid/);
  });

  it('hides the password in logs', () => {
    expect(redactRedisUrl('redis://user:s3cret@h:6379/2')).toBe('redis://user:***@h:6379/2');
    expect(redactRedisUrl('redis://:s3cret@h:6379')).toBe('redis://:***@h:6379');
    expect(redactRedisUrl('redis://h:6379/2')).toBe('redis://h:6379/2');
  });

  it('makes worker connections wait out outages and producer ones fail fast', () => {
    expect(
      redisConnectionOptions('redis://h:6379/1', { maxRetriesPerRequest: null })
        .maxRetriesPerRequest,
    ).toBeNull();
    expect(redisConnectionOptions('redis://h:6379/1').maxRetriesPerRequest).toBe(3);
    expect(redisConnectionOptions('redis://h:6379/1').retryStrategy(1000)).toBe(5000);
  });
});

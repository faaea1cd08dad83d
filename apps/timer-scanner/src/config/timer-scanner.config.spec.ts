import { validateTimerScannerConfig } from './timer-scanner.config';

describe('validateTimerScannerConfig', () => {
  it('applies defaults, with the health port on 3002', () => {
    expect(validateTimerScannerConfig({ REDIS_URL: 'rediss://r:6380/2' })).toMatchObject({
      DATABASE_URL: 'sqlite:./data/pipeline.sqlite',
      HEALTH_PORT: 3002,
      HEALTH_HOST: '127.0.0.1',
    });
  });

  it('reads the timer settings (fractional scan interval)', () => {
    const config = validateTimerScannerConfig({
      REDIS_URL: 'redis://r:6379',
      PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL: '0.1',
      PIPELINE_NODE_TIMEOUT_DISPATCH_QUEUE: 'td',
    });
    expect(config.nodeTimerEvent.PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL).toBe(0.1);
    expect(config.nodeTimeout.PIPELINE_NODE_TIMEOUT_DISPATCH_QUEUE).toBe('td');
    expect(() => validateTimerScannerConfig({ REDIS_URL: 'redis://r', PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL: '-1' })).toThrow(
      /POOL_SCAN_INTERVAL/,
    );
  });

  it('refuses a missing REDIS_URL and a bad port', () => {
    expect(() => validateTimerScannerConfig({ HEALTH_PORT: 'x' })).toThrow(
      /REDIS_URL is required.*HEALTH_PORT/,
    );
  });
});

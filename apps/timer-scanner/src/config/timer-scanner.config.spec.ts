import { validateTimerScannerConfig } from './timer-scanner.config';

describe('validateTimerScannerConfig', () => {
  it('applies defaults, with the health port on 3002', () => {
    expect(validateTimerScannerConfig({ REDIS_URL: 'rediss://r:6380/2' })).toMatchObject({
      DATABASE_URL: 'sqlite:./data/pipeline.sqlite',
      HEALTH_PORT: 3002,
      HEALTH_HOST: '127.0.0.1',
    });
  });

  it('refuses a missing REDIS_URL and a bad port', () => {
    expect(() => validateTimerScannerConfig({ HEALTH_PORT: 'x' })).toThrow(
      /REDIS_URL is required.*HEALTH_PORT/,
    );
  });
});

import { NowLazyVariable } from './now.lazy-variable';

describe('now lazy variable', () => {
  afterEach(() => jest.restoreAllMocks());

  it('returns the current time as an ISO 8601 UTC string, ignoring the value', () => {
    jest.spyOn(Date, 'now').mockReturnValue(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
    const variable = new NowLazyVariable();
    expect(variable.getValue()).toBe('2024-01-02T03:04:05.678Z');
  });
});

import { rateLimitTracker, tokenHash } from './rate-limit.tracker';

describe('rateLimitTracker', () => {
  const hashes = new Set([tokenHash('ops-token-1234'), tokenHash('ci-token-5678')]);
  const req = (authorization?: string, ip = '10.0.0.7') => ({ ip, headers: { authorization } });

  it('keys a configured token by its hash, never the token', () => {
    const key = rateLimitTracker(req('Bearer ops-token-1234'), hashes);
    expect(key).toBe(`token:${tokenHash('ops-token-1234')}`);
    expect(key).not.toContain('ops-token-1234');
    expect(rateLimitTracker(req('bearer  ci-token-5678 '), hashes)).toBe(
      `token:${tokenHash('ci-token-5678')}`,
    );
  });

  it('gives each token its own bucket, whatever the address', () => {
    expect(rateLimitTracker(req('Bearer ops-token-1234', '10.0.0.1'), hashes)).toBe(
      rateLimitTracker(req('Bearer ops-token-1234', '10.0.0.2'), hashes),
    );
    expect(rateLimitTracker(req('Bearer ops-token-1234'), hashes)).not.toBe(
      rateLimitTracker(req('Bearer ci-token-5678'), hashes),
    );
  });

  it('falls back to the address for missing, unknown or malformed tokens', () => {
    expect(rateLimitTracker(req(undefined), hashes)).toBe('ip:10.0.0.7');
    expect(rateLimitTracker(req('Bearer made-up-token'), hashes)).toBe('ip:10.0.0.7');
    expect(rateLimitTracker(req('Basic abc'), hashes)).toBe('ip:10.0.0.7');
  });

  it('uses the address when no tokens are configured, even if one is sent', () => {
    expect(rateLimitTracker(req('Bearer ops-token-1234'), new Set())).toBe('ip:10.0.0.7');
    expect(rateLimitTracker({ headers: {} }, new Set())).toBe('ip:unknown');
  });
});

import { createHash } from 'node:crypto';
import { normalizeIp } from '@nestjs/throttler';
import { TokenVerifier } from '../auth/token-verifier';

/** Hex SHA-256 of a bearer token: what rate-limit keys carry instead of the token itself. */
export const tokenHash = (token: string): string =>
  createHash('sha256').update(token).digest('hex');

/** The parts of a request the tracker looks at (an Express request fits). */
export interface TrackedRequest {
  ip?: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Who a request counts against. With `API_TOKENS` set (`tokenHashes` not empty), a request
 * presenting one of the configured tokens counts against `token:<hash>`; any other request
 * (no token, a wrong one, or no tokens configured) counts against its client address
 * (`ip:<address>`, IPv6 grouped by /64 as `@nestjs/throttler` does). Only configured tokens
 * get their own bucket, so sending random tokens cannot dodge the per-address limit.
 */
export function rateLimitTracker(req: TrackedRequest, tokenHashes: ReadonlySet<string>): string {
  if (tokenHashes.size > 0) {
    const header = req.headers.authorization;
    const presented = TokenVerifier.presented(typeof header === 'string' ? header : undefined);
    if (presented !== null) {
      const hash = tokenHash(presented);
      if (tokenHashes.has(hash)) return `token:${hash}`;
    }
  }
  return `ip:${req.ip ? normalizeIp(req.ip) : 'unknown'}`;
}

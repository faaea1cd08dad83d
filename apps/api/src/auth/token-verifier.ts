import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Checks presented secrets against `API_TOKENS`. Tokens are compared as SHA-256 digests in
 * constant time, every one of them (no early exit), so neither their content, their length
 * nor the position of a match leaks through timing.
 */
export class TokenVerifier {
  private readonly tokens: Buffer[];

  constructor(tokens: readonly string[]) {
    this.tokens = tokens.map(digest);
  }

  /** No tokens configured: everything is open. */
  get open(): boolean {
    return this.tokens.length === 0;
  }

  verify(presented: string): boolean {
    const d = digest(presented);
    let ok = false;
    for (const token of this.tokens) ok = timingSafeEqual(d, token) || ok;
    return ok;
  }

  /**
   * The token an `Authorization` header carries: `Bearer <token>`, or with `basic`, HTTP Basic
   * with the token as password (any user name; browsers prompt for it).
   */
  static presented(header: string | undefined, basic = false): string | null {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (bearer) return bearer[1];
    const credentials = basic ? /^Basic\s+(\S+)\s*$/i.exec(header ?? '') : null;
    if (!credentials) return null;
    const decoded = Buffer.from(credentials[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : null;
  }
}

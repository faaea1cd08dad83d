import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `X-Pipeline-Signature` (DESIGN §8.6): `sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`,
 * `timestamp` being the `X-Pipeline-Timestamp` header (unix seconds of the attempt).
 */
export function signWebhookBody(secret: string, timestamp: number | string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Constant-time check of a received signature (for receivers and tests). */
export function verifyWebhookSignature(secret: string, timestamp: number | string, body: string, signature: string): boolean {
  const expected = Buffer.from(signWebhookBody(secret, timestamp, body));
  const given = Buffer.from(signature ?? '');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

import { createHmac } from 'node:crypto';
import { signWebhookBody, verifyWebhookSignature } from './webhook-signature';

describe('webhook signature', () => {
  const secret = 'a-very-secret-key-0123456789';
  const body = '{"id":1,"type":"node_enter"}';

  it('is sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>', () => {
    const expected = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(signWebhookBody(secret, 1700000000, body)).toBe(`sha256=${expected}`);
    expect(signWebhookBody(secret, '1700000000', body)).toBe(`sha256=${expected}`);
  });

  it('verifies only the same secret, timestamp and body', () => {
    const sig = signWebhookBody(secret, 1700000000, body);
    expect(verifyWebhookSignature(secret, 1700000000, body, sig)).toBe(true);
    expect(verifyWebhookSignature('another-secret-0123456', 1700000000, body, sig)).toBe(false);
    expect(verifyWebhookSignature(secret, 1700000001, body, sig)).toBe(false);
    expect(verifyWebhookSignature(secret, 1700000000, `${body} `, sig)).toBe(false);
    expect(verifyWebhookSignature(secret, 1700000000, body, '')).toBe(false);
    expect(verifyWebhookSignature(secret, 1700000000, body, 'sha256=00')).toBe(false);
  });
});

import { request } from 'undici';
import { signWebhookBody } from './webhook-signature';

/** What one HTTP attempt gave. */
export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/**
 * POSTs one delivery with undici (DESIGN §8.6): `X-Pipeline-Delivery`, `X-Pipeline-Timestamp`
 * (unix seconds now) and, with a secret, `X-Pipeline-Signature`. A 2xx is success; any other
 * status, a timeout (headers or body) or a connection error is a failure to retry. Redirects
 * are not followed. The response body is read and dropped (at most what the receiver sends
 * within the timeout).
 */
export async function sendWebhook(
  url: string,
  body: string,
  deliveryId: string,
  secret: string | null,
  timeoutMs: number,
  now: () => number = Date.now,
): Promise<SendResult> {
  const started = now();
  const timestamp = Math.floor(started / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'pipeline-webhooks/1',
    'x-pipeline-delivery': deliveryId,
    'x-pipeline-timestamp': String(timestamp),
  };
  if (secret) headers['x-pipeline-signature'] = signWebhookBody(secret, timestamp, body);
  try {
    const res = await request(url, { method: 'POST', headers, body, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    return { ok, statusCode: res.statusCode, error: ok ? null : `HTTP ${res.statusCode}`, durationMs: now() - started };
  } catch (e) {
    const err = e as Error & { code?: string };
    return { ok: false, statusCode: null, error: `${err.code ?? err.name}: ${err.message}`.slice(0, 1000), durationMs: now() - started };
  }
}

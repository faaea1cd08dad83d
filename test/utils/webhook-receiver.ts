import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '@app/pipeline';

/** One request a test receiver got. */
export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  body: Record<string, unknown>;
  /** The signature checked against the secret (null: no secret given to the receiver). */
  signatureOk: boolean | null;
  /** The status it answered. */
  status: number;
}

/**
 * A real `node:http` receiver on an ephemeral port for webhook e2e suites. `respond` picks the
 * status of each request (default 200); every request is recorded with its signature checked.
 * `close()` and `listen()` again (same port) simulate a receiver that is down for a while.
 */
export class WebhookReceiver {
  readonly received: ReceivedRequest[] = [];
  respond: (req: ReceivedRequest) => number = () => 200;
  private server: Server | null = null;
  port = 0;

  constructor(private readonly secret: string | null) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(port = this.port): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(raw) as Record<string, unknown>;
        } catch {
          /* recorded raw */
        }
        const timestamp = String(req.headers['x-pipeline-timestamp'] ?? '');
        const signature = String(req.headers['x-pipeline-signature'] ?? '');
        const entry: ReceivedRequest = {
          path: req.url ?? '/',
          headers: req.headers,
          raw,
          body,
          signatureOk: this.secret === null ? null : verifyWebhookSignature(this.secret, timestamp, raw, signature),
          status: 200,
        };
        entry.status = this.respond(entry);
        this.received.push(entry);
        res.writeHead(entry.status, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

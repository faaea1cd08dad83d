import { DEFAULT_WEBHOOK_BACKOFF, type WebhookBackoff } from './webhook-backoff';

/** The outbox dispatcher's tuning (DESIGN §8.6); `PipelineModuleOptions.webhooks`. */
export interface WebhookDispatcherOptions {
  /** Run the dispatcher in this process (the embedded app, the scanner). */
  enabled: boolean;
  /** How often the log and the due deliveries are checked (default 300 ms); in-process events wake it sooner. */
  pollIntervalMs: number;
  /** Deliveries in flight at once (default 16). */
  concurrency: number;
  /** Receiver's headers and body timeout, in ms (default 10 s). */
  timeoutMs: number;
  /** A delivery is retried this long after it was created, then given up (default 25 h). */
  maxAgeMs: number;
  /** A hole in `run_event.id` is stepped over after this long (default 30 s; see `EventCursorGaps`). */
  gapGraceMs: number;
  /** Events read per scan (default 500). */
  scanPageSize: number;
  backoff: WebhookBackoff;
}

export const WEBHOOK_DISPATCHER_OPTIONS = Symbol('WEBHOOK_DISPATCHER_OPTIONS');

export const DEFAULT_WEBHOOK_DISPATCHER_OPTIONS: WebhookDispatcherOptions = {
  enabled: false,
  pollIntervalMs: 300,
  concurrency: 16,
  timeoutMs: 10_000,
  maxAgeMs: 25 * 3_600_000,
  gapGraceMs: 30_000,
  scanPageSize: 500,
  backoff: DEFAULT_WEBHOOK_BACKOFF,
};

import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { jsonColumn } from '../persistence/json.transformer';

/** `webhook`: an event to a subscription; `failure_webhook` / `failure_component`: a failure callback. */
export type DeliveryKind = 'webhook' | 'failure_webhook' | 'failure_component';
/** `pending` until a 2xx (`delivered`); `failed` once it has been retried for `maxAgeMs`. */
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/**
 * The outbox (DESIGN §8.6): one row per (target, event), created from the run event log with
 * insert-ignore on `uq_webhook_delivery_target_event`, so a re-scan creates nothing twice. Its
 * `id` is the `X-Pipeline-Delivery` header, the same on every attempt. A sender claims a due row
 * with a compare-and-set on `claimed_until` (a lease), so two dispatchers never send it at once.
 */
@Entity('webhook_delivery')
@Index('uq_webhook_delivery_target_event', ['target', 'eventId'], { unique: true })
@Index('idx_webhook_delivery_due', ['status', 'nextAttemptAt'])
@Index('idx_webhook_delivery_order', ['target', 'runId', 'status', 'eventId'])
@Index('idx_webhook_delivery_webhook', ['webhookId', 'createdAt'])
@Index('idx_webhook_delivery_run', ['runId', 'kind'])
export class WebhookDeliveryEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** The webhook's id, or `on_failure` for failure callbacks: unique with `event_id`. */
  @Column({ type: 'varchar', length: 64 })
  target: string;

  @Column({ type: 'varchar', length: 20 })
  kind: DeliveryKind;

  @Column({ name: 'webhook_id', type: 'varchar', length: 36, nullable: true })
  webhookId: string | null;

  @Column({ name: 'event_id', type: 'int' })
  eventId: number;

  @Column({ name: 'event_type', type: 'varchar', length: 64 })
  eventType: string;

  @Column({ name: 'run_id', type: 'varchar', length: 36 })
  runId: string;

  @Column({ name: 'node_id', type: 'varchar', length: 128, nullable: true })
  nodeId: string | null;

  /** The definition of the run (signs failure callbacks with its webhook secret); null for inline runs. */
  @Column({ name: 'pipeline_id', type: 'varchar', length: 36, nullable: true })
  pipelineId: string | null;

  /** Failure callbacks: the URL (`failure_webhook`) or the component code (`failure_component`). */
  @Column({ name: 'callback_target', type: 'varchar', length: 2048, nullable: true })
  callbackTarget: string | null;

  /** The JSON body (or the component's inputs), frozen when the row was created. */
  @Column(jsonColumn('payload', false))
  payload: Record<string, unknown>;

  @Column({ type: 'varchar', length: 16 })
  status: DeliveryStatus;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ name: 'next_attempt_at', type: 'datetime', precision: 3 })
  nextAttemptAt: Date;

  /** A sender's lease: nobody else takes the row before then. */
  @Column({ name: 'claimed_until', type: 'datetime', precision: 3, nullable: true })
  claimedUntil: Date | null;

  @Column({ name: 'claim_token', type: 'varchar', length: 36, nullable: true })
  claimToken: string | null;

  @Column({ name: 'last_error', type: 'varchar', length: 1024, nullable: true })
  lastError: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'finished_at', type: 'datetime', precision: 3, nullable: true })
  finishedAt: Date | null;
}

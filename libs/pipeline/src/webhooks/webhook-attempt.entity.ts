import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** The delivery log (DESIGN §8.6): one row per attempt of a delivery. */
@Entity('webhook_attempt')
@Index('idx_webhook_attempt_webhook', ['webhookId', 'id'])
@Index('idx_webhook_attempt_delivery', ['deliveryId', 'attempt'])
@Index('idx_webhook_attempt_run', ['runId', 'id'])
export class WebhookAttemptEntity {
  @PrimaryGeneratedColumn({ type: 'int' })
  id: number;

  @Column({ name: 'delivery_id', type: 'varchar', length: 36 })
  deliveryId: string;

  /** The webhook, or null for a failure callback. */
  @Column({ name: 'webhook_id', type: 'varchar', length: 36, nullable: true })
  webhookId: string | null;

  @Column({ type: 'varchar', length: 20 })
  kind: string;

  @Column({ name: 'run_id', type: 'varchar', length: 36 })
  runId: string;

  @Column({ name: 'node_id', type: 'varchar', length: 128, nullable: true })
  nodeId: string | null;

  @Column({ name: 'event_id', type: 'int' })
  eventId: number;

  @Column({ name: 'event_type', type: 'varchar', length: 64 })
  eventType: string;

  @Column({ type: 'int' })
  attempt: number;

  /** The receiver's HTTP status; null when there was none (timeout, unreachable, a component). */
  @Column({ name: 'status_code', type: 'int', nullable: true })
  statusCode: number | null;

  @Column({ type: 'boolean' })
  ok: boolean;

  @Column({ type: 'varchar', length: 1024, nullable: true })
  error: string | null;

  @Column({ name: 'duration_ms', type: 'int' })
  durationMs: number;

  @Column({ name: 'attempted_at', type: 'datetime', precision: 3 })
  attemptedAt: Date;
}

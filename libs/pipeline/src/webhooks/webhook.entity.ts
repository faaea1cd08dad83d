import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { jsonColumn } from '../persistence/json.transformer';

/**
 * A webhook subscription (DESIGN §8.6). `secret` signs every delivery and is never returned
 * nor logged. `sinceEventId` is the highest `run_event.id` when it was created: only later
 * events are delivered to it.
 */
@Entity('webhook')
@Index('idx_webhook_created', ['createdAt'])
export class WebhookEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 2048 })
  url: string;

  /** Patterns: `*`, an event type, or `prefix*`. */
  @Column(jsonColumn('events', false))
  events: string[];

  /** Only runs of this definition (its id); null = every run. */
  @Column({ name: 'pipeline_id', type: 'varchar', length: 36, nullable: true })
  pipelineId: string | null;

  @Column({ type: 'varchar', length: 255 })
  secret: string;

  @Column({ name: 'since_event_id', type: 'int', default: 0 })
  sinceEventId: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}

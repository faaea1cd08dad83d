import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * How far the outbox has read the run event log (DESIGN §8.6): every event with an id up to
 * `last_event_id` has its delivery rows. One row (`name = 'run_event'`), moved forward with a
 * compare-and-set so two dispatchers never move it back.
 */
@Entity('webhook_cursor')
export class WebhookCursorEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  name: string;

  @Column({ name: 'last_event_id', type: 'int' })
  lastEventId: number;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}

import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { jsonColumn } from '../json.transformer';

/**
 * The run's event log, appended in the same transaction as the state change it describes.
 * `id` is global and, on MySQL, allocated in insert order, not commit order; `seq` numbers a
 * run's events 1, 2, 3... without gaps in the order they were seen committed: writers leave it
 * NULL and the first read of the log numbers what has committed since (`RunStore.numberEvents`),
 * so readers page by `seq` and never miss a late commit.
 */
@Entity('run_event')
@Index('uq_run_event_run_seq', ['runId', 'seq'], { unique: true })
export class RunEventEntity {
  @PrimaryGeneratedColumn({ type: 'int' })
  id: number;

  @Column({ name: 'run_id', type: 'varchar', length: 36 })
  runId: string;

  /** Position in the run's log: 1 for its first event, no gaps; NULL until numbered. */
  @Column({ type: 'int', nullable: true })
  seq: number | null;

  @Column({ name: 'node_id', type: 'varchar', length: 128, nullable: true })
  nodeId: string | null;

  @Column({ name: 'event_type', type: 'varchar', length: 64 })
  eventType: string;

  @Column(jsonColumn('data'))
  data: Record<string, unknown> | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}

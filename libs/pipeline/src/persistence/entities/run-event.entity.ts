import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { jsonColumn } from '../json.transformer';

/** The run's event log, appended in the same transaction as the state change it describes. */
@Entity('run_event')
@Index('idx_run_event_run', ['runId', 'id'])
export class RunEventEntity {
  @PrimaryGeneratedColumn({ type: 'int' })
  id: number;

  @Column({ name: 'run_id', type: 'varchar', length: 36 })
  runId: string;

  @Column({ name: 'node_id', type: 'varchar', length: 128, nullable: true })
  nodeId: string | null;

  @Column({ name: 'event_type', type: 'varchar', length: 64 })
  eventType: string;

  @Column(jsonColumn('data'))
  data: Record<string, unknown> | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}

import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ProcessStateName } from '../../engine/run-state';

/** A thread of execution of a run (root, parallel branch, sub-process). */
@Entity('run_process')
@Index('idx_run_process_run', ['runId', 'state'])
@Index('idx_run_process_state_updated', ['state', 'updatedAt'])
export class RunProcessEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'run_id', type: 'varchar', length: 36 })
  runId: string;

  @Column({ name: 'parent_id', type: 'varchar', length: 36, nullable: true })
  parentId: string | null;

  @Column({ name: 'scope_id', type: 'varchar', length: 128 })
  scopeId: string;

  @Column({ name: 'current_node_id', type: 'varchar', length: 128 })
  currentNodeId: string;

  @Column({ name: 'destination_id', type: 'varchar', length: 128, nullable: true })
  destinationId: string | null;

  @Column({ type: 'varchar', length: 16 })
  state: ProcessStateName;

  @Column({ name: 'pending_children', type: 'int', default: 0 })
  pendingChildren: number;

  @Column({ type: 'int', default: 0 })
  rev: number;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}

import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { NodeStateName } from '../../engine/states';
import { jsonColumn } from '../json.transformer';

/** One earlier life of a node: kept on every retry, skip, forced fail and loop re-entry. */
@Entity('node_history')
@Index('idx_node_history_node', ['runId', 'nodeId'])
export class NodeHistoryEntity {
  @PrimaryGeneratedColumn({ type: 'int' })
  id: number;

  @Column({ name: 'run_id', type: 'varchar', length: 36 })
  runId: string;

  @Column({ name: 'node_id', type: 'varchar', length: 128 })
  nodeId: string;

  @Column({ type: 'varchar', length: 32 })
  kind: string;

  @Column({ type: 'int' })
  version: number;

  @Column({ type: 'int' })
  loop: number;

  @Column({ type: 'int' })
  retries: number;

  @Column({ type: 'varchar', length: 16 })
  state: NodeStateName;

  @Column(jsonColumn('inputs'))
  inputs: Record<string, unknown> | null;

  @Column(jsonColumn('outputs'))
  outputs: Record<string, unknown> | null;

  @Column(jsonColumn('ex_data'))
  exData: unknown;

  @Column({ name: 'started_at', type: 'datetime', precision: 3, nullable: true })
  startedAt: Date | null;

  @Column({ name: 'finished_at', type: 'datetime', precision: 3, nullable: true })
  finishedAt: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}

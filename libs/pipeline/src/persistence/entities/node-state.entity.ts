import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { NodeAwaiting } from '../../engine/run-state';
import type { NodeStateName } from '../../engine/states';
import { jsonColumn } from '../json.transformer';

/** The current life of one node of a run; earlier lives are in `node_history`. */
@Entity('node_state')
@Index('idx_node_state_run_state', ['runId', 'state'])
@Index('idx_node_state_state_updated', ['state', 'updatedAt'])
export class NodeStateEntity {
  @PrimaryColumn({ name: 'run_id', type: 'varchar', length: 36 })
  runId: string;

  @PrimaryColumn({ name: 'node_id', type: 'varchar', length: 128 })
  nodeId: string;

  @Column({ name: 'scope_id', type: 'varchar', length: 128 })
  scopeId: string;

  @Column({ name: 'process_id', type: 'varchar', length: 36 })
  processId: string;

  @Column({ type: 'varchar', length: 16 })
  state: NodeStateName;

  @Column({ type: 'int' })
  version: number;

  @Column({ type: 'int', default: 1 })
  loop: number;

  @Column({ type: 'int', default: 0 })
  retries: number;

  @Column({ type: 'boolean', default: false })
  skip: boolean;

  /** Why a DAG work was SKIPPED by its trigger rule (`upstream_failed` / `trigger_rule`). */
  @Column({ name: 'skip_reason', type: 'varchar', length: 16, nullable: true })
  skipReason: string | null;

  @Column({ name: 'error_ignored', type: 'boolean', default: false })
  errorIgnored: boolean;

  @Column({ name: 'schedule_times', type: 'int', default: 0 })
  scheduleTimes: number;

  @Column({ type: 'varchar', length: 16, nullable: true })
  awaiting: NodeAwaiting | null;

  @Column(jsonColumn('callbacks'))
  callbacks: unknown[] | null;

  @Column({ name: 'callback_seq', type: 'int', default: 0 })
  callbackSeq: number;

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

  /** When a worker began this life's execute; only for activities with a `timeout` (DESIGN §8.3). */
  @Column({ name: 'picked_up_at', type: 'datetime', precision: 3, nullable: true })
  pickedUpAt: Date | null;

  /** When the row last changed: recovery only touches work that has been still for a while. */
  @Column({ name: 'updated_at', type: 'datetime', precision: 3, nullable: true })
  updatedAt: Date | null;
}

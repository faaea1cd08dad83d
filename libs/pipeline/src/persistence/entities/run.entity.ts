import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { RunStateName } from '../../engine/states';
import { jsonColumn } from '../json.transformer';

/** One run of a pipeline tree. The tree is snapshotted so a run keeps the version it started on. */
@Entity('run')
@Index('idx_run_created', ['createdAt'])
@Index('idx_run_pipeline_created', ['pipelineId', 'createdAt'])
@Index('idx_run_pipeline_state_created', ['pipelineId', 'state', 'createdAt'])
@Index('idx_run_state_created', ['state', 'createdAt'])
@Index('idx_run_business_key', ['businessKey'])
@Index('idx_run_deadline', ['deadlineAt'])
@Index('uq_run_schedule_due', ['scheduleId', 'scheduledFor'], { unique: true })
export class RunEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'pipeline_id', type: 'varchar', length: 36, nullable: true })
  pipelineId: string | null;

  @Column({ name: 'pipeline_version', type: 'int', nullable: true })
  pipelineVersion: number | null;

  @Column({ name: 'root_tree_id', type: 'varchar', length: 128 })
  rootTreeId: string;

  @Column({ type: 'varchar', length: 16 })
  state: RunStateName;

  @Column({ name: 'business_key', type: 'varchar', length: 255, nullable: true })
  businessKey: string | null;

  @Column({ type: 'int', default: 0 })
  priority: number;

  @Column(jsonColumn('inputs'))
  inputs: Record<string, unknown> | null;

  @Column(jsonColumn('outputs'))
  outputs: Record<string, unknown> | null;

  /** The whole tree as started (JSON), read once per process and cached compiled. */
  @Column({ ...jsonColumn('tree', false), select: false })
  tree: unknown;

  /** Validation's fork gateway → converge gateway map. */
  @Column({ ...jsonColumn('converges', false), select: false })
  converges: Record<string, string>;

  @Column({ type: 'int', default: 0 })
  rev: number;

  /**
   * The `seq` of the run's last logged event. A transaction logging n events adds n here
   * first: the row lock it takes orders concurrent writers, so `seq` follows commit order.
   */
  @Column({ name: 'event_seq', type: 'int', default: 0 })
  eventSeq: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'started_at', type: 'datetime', precision: 3, nullable: true })
  startedAt: Date | null;

  @Column({ name: 'finished_at', type: 'datetime', precision: 3, nullable: true })
  finishedAt: Date | null;

  /** The run timeout it got (start call's, else its definition's), in seconds; null = none (DESIGN §8.3). */
  @Column({ name: 'timeout_seconds', type: 'int', nullable: true })
  timeoutSeconds: number | null;

  /** When the run timeout runs out; set when the run becomes RUNNING. */
  @Column({ name: 'deadline_at', type: 'datetime', precision: 3, nullable: true })
  deadlineAt: Date | null;

  /** Why the run ended when not by itself: `timeout`; null otherwise. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  reason: string | null;

  /** The schedule that started it (DESIGN §8.5); null otherwise. */
  @Column({ name: 'schedule_id', type: 'varchar', length: 36, nullable: true })
  scheduleId: string | null;

  /** The due time it was started for; unique with `scheduleId`: one run per firing. */
  @Column({ name: 'scheduled_for', type: 'datetime', precision: 3, nullable: true })
  scheduledFor: Date | null;
}

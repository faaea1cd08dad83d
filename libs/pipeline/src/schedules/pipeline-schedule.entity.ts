import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { jsonColumn } from '../persistence/json.transformer';
import type { ScheduleKind } from './schedule-spec';

/**
 * A scheduled run of a stored pipeline (DESIGN §8.5). The database is the truth: `next_fire_at`
 * is the one due time not yet handled (null: disabled, or an `at` that fired). Whoever fires it
 * moves it on with a compare-and-set from that due time, and the run it starts carries
 * `(schedule_id, scheduled_for)`, unique on `run`: one firing per due time, however many
 * processes try.
 */
@Entity('pipeline_schedule')
@Index('idx_pipeline_schedule_pipeline', ['pipelineId', 'createdAt'])
@Index('idx_pipeline_schedule_next_fire', ['nextFireAt'])
export class PipelineScheduleEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** The definition's id (never its key). */
  @Column({ name: 'pipeline_id', type: 'varchar', length: 36 })
  pipelineId: string;

  @Column({ type: 'varchar', length: 8 })
  kind: ScheduleKind;

  /** The cron expression, the `every` interval as given, or the `at` instant (ISO, UTC). */
  @Column({ type: 'varchar', length: 255 })
  expression: string;

  @Column({ type: 'varchar', length: 64, default: 'UTC' })
  timezone: string;

  @Column(jsonColumn('inputs'))
  inputs: Record<string, unknown> | null;

  @Column({ name: 'business_key', type: 'varchar', length: 255, nullable: true })
  businessKey: string | null;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ name: 'next_fire_at', type: 'datetime', precision: 3, nullable: true })
  nextFireAt: Date | null;

  /** The last due time handled (a run started, or skipped: definition off, start refused). */
  @Column({ name: 'last_due_at', type: 'datetime', precision: 3, nullable: true })
  lastDueAt: Date | null;

  /** When that due time was handled. */
  @Column({ name: 'last_fired_at', type: 'datetime', precision: 3, nullable: true })
  lastFiredAt: Date | null;

  /** The run it started then; null when it was skipped. */
  @Column({ name: 'last_run_id', type: 'varchar', length: 36, nullable: true })
  lastRunId: string | null;

  /** `started`, `skipped_disabled` (definition off) or `skipped_refused` (the start was refused, e.g. 409). */
  @Column({ name: 'last_outcome', type: 'varchar', length: 32, nullable: true })
  lastOutcome: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}

import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** How held (PENDING) runs of a definition are admitted when a slot frees up. */
export type QueueMode = 'fifo' | 'lifo';
export const QUEUE_MODES: readonly QueueMode[] = ['fifo', 'lifo'];

/**
 * A stored pipeline: its identity and settings. The trees live in `PipelineVersionEntity`,
 * one row per version; `latestVersion` points at the newest.
 */
@Entity({ name: 'pipeline_definitions' })
export class PipelineDefinitionEntity {
  /** A UUID, assigned by the service. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** Human-chosen, unique, stable: a definition can be addressed by it instead of the id. */
  @Index('IDX_pipeline_definitions_key', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  key: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ name: 'latest_version', type: 'int' })
  latestVersion: number;

  /** The on/off switch: a disabled definition refuses new runs. */
  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  /** At most this many runs RUNNING at once; null = no cap. */
  @Column({ name: 'max_concurrent_runs', type: 'int', nullable: true })
  maxConcurrentRuns: number | null;

  @Column({ name: 'queue_mode', type: 'varchar', length: 8, default: 'fifo' })
  queueMode: QueueMode;

  /** Refuse a run whose business key a not yet FINISHED or REVOKED run of this definition has (DESIGN §8.4). */
  @Column({ name: 'unique_business_key', type: 'boolean', default: false })
  uniqueBusinessKey: boolean;

  /** Run timeout of its runs, in seconds, unless the start call gives one; null = none (DESIGN §8.3). */
  @Column({ name: 'timeout_seconds', type: 'int', nullable: true })
  timeoutSeconds: number | null;

  @Index('IDX_pipeline_definitions_created_at')
  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}

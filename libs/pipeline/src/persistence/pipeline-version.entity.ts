import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { PipelineDefinitionEntity } from './pipeline-definition.entity';

/**
 * One immutable version of a definition's tree. Runs reference (pipelineId, version), so a
 * running instance finishes on the version it started with however often the definition changes.
 * The composite primary key is the unique (pipelineId, version) constraint and the lookup index.
 */
@Entity({ name: 'pipeline_versions' })
export class PipelineVersionEntity {
  @PrimaryColumn({ name: 'pipeline_id', type: 'varchar', length: 36 })
  pipelineId: string;

  @PrimaryColumn({ type: 'int' })
  version: number;

  /**
   * The tree as JSON text. `simple-json` maps to `text` on both drivers; the migration makes the
   * column `longtext` on MySQL so big trees fit there too (MySQL `text` stops at 64 KB).
   */
  @Column({ type: 'simple-json' })
  definition: object;

  /** The format the definition was submitted in (`tree` today). */
  @Column({ type: 'varchar', length: 32, default: 'tree' })
  format: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @ManyToOne(() => PipelineDefinitionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'pipeline_id', foreignKeyConstraintName: 'FK_pipeline_versions_pipeline' })
  pipeline?: PipelineDefinitionEntity;
}

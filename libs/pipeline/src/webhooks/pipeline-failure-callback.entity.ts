import { Column, Entity, PrimaryColumn } from 'typeorm';
import { jsonColumn } from '../persistence/json.transformer';
import type { OnFailure } from '../model/on-failure';

/**
 * A definition's failure settings (DESIGN §8.6): its `onFailure` (used for nodes without
 * their own) and the secret that signs its failure callbacks (never returned). A table of its
 * own beside `pipeline_definitions`, removed with the definition.
 */
@Entity('pipeline_failure_callback')
export class PipelineFailureCallbackEntity {
  @PrimaryColumn({ name: 'pipeline_id', type: 'varchar', length: 36 })
  pipelineId: string;

  @Column(jsonColumn('on_failure'))
  onFailure: OnFailure | null;

  @Column({ name: 'webhook_secret', type: 'varchar', length: 255, nullable: true })
  webhookSecret: string | null;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}

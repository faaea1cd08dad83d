import { Column, Entity, PrimaryColumn } from 'typeorm';
import { jsonColumn } from '../json.transformer';

/**
 * A stored context variable of one scope of a run (run inputs, node outputs mapped by
 * `source_act`, sub-process params, updates). One row per key so parallel branches writing
 * different variables never conflict.
 */
@Entity('context_value')
export class ContextValueEntity {
  @PrimaryColumn({ name: 'run_id', type: 'varchar', length: 36 })
  runId: string;

  @PrimaryColumn({ name: 'scope_id', type: 'varchar', length: 128 })
  scopeId: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  key: string;

  @Column(jsonColumn('value'))
  value: unknown;
}

import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Admission and business keys of DESIGN §8.4: `pipeline_definitions.unique_business_key`
 * (false = any number of runs may share a business key). The concurrency cap itself needs no
 * new column: `max_concurrent_runs` / `queue_mode` exist since the first migration, and the
 * slot holders of a definition are counted under its row's lock through
 * `idx_run_pipeline_state_created`.
 */
export class AddUniqueBusinessKey1763684100000 implements MigrationInterface {
  name = 'AddUniqueBusinessKey1763684100000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('pipeline_definitions', new TableColumn({ name: 'unique_business_key', type: 'boolean', default: 0 }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('pipeline_definitions', 'unique_business_key');
  }
}

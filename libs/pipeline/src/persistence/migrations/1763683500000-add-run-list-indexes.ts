import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Indexes for listing runs newest first (`GET /runs`, filtered by pipeline, state and/or
 * business key): each filter gets an index ending in `created_at`, so the database reads the
 * page in index order instead of sorting every matching run. On InnoDB a secondary index also
 * carries the primary key, which covers the `id` tie-break of the ordering.
 *
 * - `idx_run_created`: no filter.
 * - `idx_run_state_created` replaces `idx_run_state` (its prefix).
 * - `idx_run_pipeline_state_created`: pipeline + state (also what a per-pipeline concurrency
 *   cap counts and admits from: RUNNING / PENDING runs of one pipeline, oldest first).
 * - `idx_run_pipeline_created` (pipeline only) and `idx_run_business_key` (near-unique) stay.
 */
export class AddRunListIndexes1763683500000 implements MigrationInterface {
  name = 'AddRunListIndexes1763683500000';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex('run', new TableIndex({ name: 'idx_run_created', columnNames: ['created_at'] }));
    await q.createIndex('run', new TableIndex({ name: 'idx_run_state_created', columnNames: ['state', 'created_at'] }));
    await q.createIndex(
      'run',
      new TableIndex({ name: 'idx_run_pipeline_state_created', columnNames: ['pipeline_id', 'state', 'created_at'] }),
    );
    await q.dropIndex('run', 'idx_run_state');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.createIndex('run', new TableIndex({ name: 'idx_run_state', columnNames: ['state'] }));
    await q.dropIndex('run', 'idx_run_pipeline_state_created');
    await q.dropIndex('run', 'idx_run_state_created');
    await q.dropIndex('run', 'idx_run_created');
  }
}

import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { portableTypes } from './portable-types';

/**
 * Timeouts of DESIGN §8.3:
 * - `pipeline_definitions.timeout_seconds`: a definition's run timeout (null = none);
 * - `run.timeout_seconds` (the one the run got: its start call's, else its definition's),
 *   `run.deadline_at` (set when the run becomes RUNNING: the timers fire from it and rebuild
 *   from it after a restart, in `(deadline_at, id)` order through `idx_run_deadline`) and
 *   `run.reason` (`timeout` when the deadline revoked it; null otherwise);
 * - `node_state.picked_up_at`: when a worker began the current life's execute (written only
 *   for activities with a `timeout`): the end of the queue time, the start of the running time.
 */
export class AddTimeouts1763684000000 implements MigrationInterface {
  name = 'AddTimeouts1763684000000';

  async up(q: QueryRunner): Promise<void> {
    const t = portableTypes(q);
    await q.addColumn('pipeline_definitions', new TableColumn({ name: 'timeout_seconds', type: t.int, isNullable: true }));
    await q.addColumns('run', [
      new TableColumn({ name: 'timeout_seconds', type: t.int, isNullable: true }),
      new TableColumn({ name: 'deadline_at', ...t.datetime, isNullable: true }),
      new TableColumn({ name: 'reason', type: 'varchar', length: '32', isNullable: true }),
    ]);
    await q.createIndex('run', new TableIndex({ name: 'idx_run_deadline', columnNames: ['deadline_at'] }));
    await q.addColumn('node_state', new TableColumn({ name: 'picked_up_at', ...t.datetime, isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('node_state', 'picked_up_at');
    await q.dropIndex('run', 'idx_run_deadline');
    await q.dropColumns('run', ['reason', 'deadline_at', 'timeout_seconds']);
    await q.dropColumn('pipeline_definitions', 'timeout_seconds');
  }
}

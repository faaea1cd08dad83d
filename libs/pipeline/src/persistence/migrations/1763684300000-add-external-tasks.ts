import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { portableTypes } from './portable-types';

/**
 * External tasks (DESIGN §8.6): the `external_task` table, one row per node life handed to
 * external workers, written in the same transaction as the node's wait. On MySQL it gets the
 * binary collation of every engine table.
 */
export class AddExternalTasks1763684300000 implements MigrationInterface {
  name = 'AddExternalTasks1763684300000';

  async up(q: QueryRunner): Promise<void> {
    const t = portableTypes(q);
    await q.createTable(
      new Table({
        name: 'external_task',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'run_id', type: 'varchar', length: '36' },
          { name: 'node_id', type: 'varchar', length: '128' },
          { name: 'node_version', type: 'int' },
          { name: 'topic', type: 'varchar', length: '128' },
          { name: 'payload', type: t.jsonText, isNullable: true },
          { name: 'state', type: 'varchar', length: '16' },
          { name: 'attempt', type: 'int', default: 1 },
          { name: 'retries', type: 'int', isNullable: true },
          { name: 'worker_id', type: 'varchar', length: '128', isNullable: true },
          { name: 'claim_token', type: 'varchar', length: '36', isNullable: true },
          { name: 'lock_expires_at', ...t.datetime, isNullable: true },
          { name: 'available_at', ...t.datetime },
          { name: 'error', type: 'text', isNullable: true },
          { name: 'created_at', ...t.datetime },
          { name: 'updated_at', ...t.datetime },
        ],
        indices: [
          { name: 'uq_external_task_node', columnNames: ['run_id', 'node_id', 'node_version'], isUnique: true },
          { name: 'idx_external_task_topic', columnNames: ['topic', 'state', 'available_at'] },
          { name: 'idx_external_task_state', columnNames: ['state', 'updated_at'] },
        ],
      }),
    );
    if (t.isMysql) await q.query('ALTER TABLE `external_task` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('external_task');
  }
}

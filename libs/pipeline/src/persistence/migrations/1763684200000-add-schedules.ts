import { Table, TableColumn, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { portableTypes } from './portable-types';

/**
 * Scheduled runs (DESIGN §8.5): the `pipeline_schedule` table, and on `run` the schedule that
 * started it and the due time it was started for, unique together (MySQL and SQLite both let
 * NULLs repeat in a unique index, so unscheduled runs are not constrained): one run per due
 * time, whichever process fires it. On MySQL the new table gets the binary collation of every
 * engine table.
 */
export class AddSchedules1763684200000 implements MigrationInterface {
  name = 'AddSchedules1763684200000';

  async up(q: QueryRunner): Promise<void> {
    const t = portableTypes(q);
    await q.createTable(
      new Table({
        name: 'pipeline_schedule',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'pipeline_id', type: 'varchar', length: '36' },
          { name: 'kind', type: 'varchar', length: '8' },
          { name: 'expression', type: 'varchar', length: '255' },
          { name: 'timezone', type: 'varchar', length: '64', default: "'UTC'" },
          { name: 'inputs', type: t.jsonText, isNullable: true },
          { name: 'business_key', type: 'varchar', length: '255', isNullable: true },
          { name: 'enabled', type: 'boolean', default: 1 },
          { name: 'next_fire_at', ...t.datetime, isNullable: true },
          { name: 'last_due_at', ...t.datetime, isNullable: true },
          { name: 'last_fired_at', ...t.datetime, isNullable: true },
          { name: 'last_run_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'last_outcome', type: 'varchar', length: '32', isNullable: true },
          { name: 'created_at', ...t.datetime },
          { name: 'updated_at', ...t.datetime },
        ],
        indices: [
          { name: 'idx_pipeline_schedule_pipeline', columnNames: ['pipeline_id', 'created_at'] },
          { name: 'idx_pipeline_schedule_next_fire', columnNames: ['next_fire_at'] },
        ],
      }),
    );
    // Like every engine table on MySQL: utf8mb4 with the binary collation (see
    // CaseSensitiveKeysOnMysql1763683600000), which the foreign key's two columns must share.
    if (t.isMysql) await q.query('ALTER TABLE `pipeline_schedule` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin');
    await q.createForeignKey(
      'pipeline_schedule',
      new TableForeignKey({
        name: 'FK_pipeline_schedule_pipeline',
        columnNames: ['pipeline_id'],
        referencedTableName: 'pipeline_definitions',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      }),
    );
    await q.addColumns('run', [
      new TableColumn({ name: 'schedule_id', type: 'varchar', length: '36', isNullable: true }),
      new TableColumn({ name: 'scheduled_for', ...t.datetime, isNullable: true }),
    ]);
    await q.createIndex('run', new TableIndex({ name: 'uq_run_schedule_due', columnNames: ['schedule_id', 'scheduled_for'], isUnique: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('run', 'uq_run_schedule_due');
    await q.dropColumns('run', ['scheduled_for', 'schedule_id']);
    await q.dropForeignKey('pipeline_schedule', 'FK_pipeline_schedule_pipeline');
    await q.dropTable('pipeline_schedule');
  }
}

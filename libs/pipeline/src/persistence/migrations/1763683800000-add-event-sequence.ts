import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { portableTypes } from './portable-types';

/**
 * Per-run event sequence numbers (issue 11): `run_event.seq` numbers each run's events 1, 2,
 * 3... in commit order, and `run.event_seq` holds the last one handed out. Paging the log by
 * the global auto-increment id could skip an event on MySQL, where a transaction that took a
 * lower id may commit after one that took a higher id; writers now reserve their `seq` range
 * on the run row, whose lock orders them.
 *
 * Existing events are numbered in id order per run (they committed long ago, so id order is
 * the only order left to go by); `(run_id, seq)` is unique and replaces the `(run_id, id)`
 * index, which nothing reads by any more. Window functions need SQLite 3.25+, MySQL 8 or
 * MariaDB 10.2+.
 */
export class AddEventSequence1763683800000 implements MigrationInterface {
  name = 'AddEventSequence1763683800000';

  async up(q: QueryRunner): Promise<void> {
    const t = portableTypes(q);
    await q.addColumn('run', new TableColumn({ name: 'event_seq', type: t.int, isNullable: false, default: 0 }));
    await q.addColumn('run_event', new TableColumn({ name: 'seq', type: t.int, isNullable: true }));
    const numbered = 'SELECT `id`, ROW_NUMBER() OVER (PARTITION BY `run_id` ORDER BY `id`) AS `rn` FROM `run_event`';
    await q.query(
      t.isMysql
        ? `UPDATE \`run_event\` e JOIN (${numbered}) x ON x.\`id\` = e.\`id\` SET e.\`seq\` = x.\`rn\``
        : `UPDATE \`run_event\` SET \`seq\` = x.\`rn\` FROM (${numbered}) AS x WHERE x.\`id\` = \`run_event\`.\`id\``,
    );
    await q.query(
      'UPDATE `run` SET `event_seq` = COALESCE((SELECT MAX(e.`seq`) FROM `run_event` e WHERE e.`run_id` = `run`.`id`), 0)',
    );
    await q.changeColumn('run_event', 'seq', new TableColumn({ name: 'seq', type: t.int, isNullable: false }));
    await q.dropIndex('run_event', 'idx_run_event_run');
    await q.createIndex('run_event', new TableIndex({ name: 'uq_run_event_run_seq', columnNames: ['run_id', 'seq'], isUnique: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('run_event', 'uq_run_event_run_seq');
    await q.createIndex('run_event', new TableIndex({ name: 'idx_run_event_run', columnNames: ['run_id', 'id'] }));
    await q.dropColumn('run_event', 'seq');
    await q.dropColumn('run', 'event_seq');
  }
}

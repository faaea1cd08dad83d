import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { portableTypes } from './portable-types';

/**
 * Events are numbered after they commit (issue 16): a transaction logs its events with `seq`
 * NULL and takes no lock on the run row; the first read of the log numbers the committed ones
 * in id order (`RunStore.numberEvents`). Reserving numbers on the run row had serialized every
 * transaction of a run from the reservation to COMMIT (parallel branches of one run could not
 * share a group commit). `(run_id, seq)` stays unique: both databases allow many NULLs.
 */
export class NumberEventsAfterCommit1763684500000 implements MigrationInterface {
  name = 'NumberEventsAfterCommit1763684500000';

  async up(q: QueryRunner): Promise<void> {
    await this.setNullable(q, true);
  }

  /** MySQL: a plain MODIFY (keeps the unique index); SQLite: TypeORM rebuilds the table. */
  private async setNullable(q: QueryRunner, nullable: boolean): Promise<void> {
    const t = portableTypes(q);
    if (t.isMysql) await q.query(`ALTER TABLE \`run_event\` MODIFY \`seq\` int ${nullable ? 'NULL' : 'NOT NULL'}`);
    else await q.changeColumn('run_event', 'seq', new TableColumn({ name: 'seq', type: t.int, isNullable: nullable }));
  }

  async down(q: QueryRunner): Promise<void> {
    const t = portableTypes(q);
    // Number what is still unnumbered (after each run's last number, in id order) before NOT NULL.
    const numbered =
      'SELECT e.`id`, r.`event_seq` + ROW_NUMBER() OVER (PARTITION BY e.`run_id` ORDER BY e.`id`) AS `n` ' +
      'FROM `run_event` e JOIN `run` r ON r.`id` = e.`run_id` WHERE e.`seq` IS NULL';
    await q.query(
      t.isMysql
        ? `UPDATE \`run_event\` e JOIN (${numbered}) x ON x.\`id\` = e.\`id\` SET e.\`seq\` = x.\`n\``
        : `UPDATE \`run_event\` SET \`seq\` = x.\`n\` FROM (${numbered}) AS x WHERE x.\`id\` = \`run_event\`.\`id\``,
    );
    await q.query(
      'UPDATE `run` SET `event_seq` = COALESCE((SELECT MAX(e.`seq`) FROM `run_event` e WHERE e.`run_id` = `run`.`id`), 0)',
    );
    await this.setNullable(q, false);
  }
}

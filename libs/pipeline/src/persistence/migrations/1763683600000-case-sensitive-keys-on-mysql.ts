import { TableForeignKey, type MigrationInterface, type QueryRunner } from 'typeorm';
import { portableTypes } from './portable-types';

const TABLES = [
  'pipeline_definitions',
  'pipeline_versions',
  'run',
  'run_process',
  'node_state',
  'node_history',
  'context_value',
  'run_event',
];

const VERSIONS_FK = () =>
  new TableForeignKey({
    name: 'FK_pipeline_versions_pipeline',
    columnNames: ['pipeline_id'],
    referencedTableName: 'pipeline_definitions',
    referencedColumnNames: ['id'],
    onDelete: 'CASCADE',
  });

/**
 * MySQL only (SQLite already compares text byte for byte): every engine table in utf8mb4 with
 * the binary collation `utf8mb4_bin`.
 *
 * The tables inherited the database's default collation, which on a stock MySQL 8 or MariaDB
 * is case-insensitive (`utf8mb4_0900_ai_ci`, `utf8mb4_general_ci`, ...). Node ids, scope ids and
 * context keys are case-sensitive in a tree (`${x}` and `${X}` are two variables, nodes `a` and
 * `A` two nodes), so with such a collation they would collide in the primary keys and one would
 * overwrite the other. This also pins the character set whatever the database's default is.
 * (`utf8mb4_bin` still ignores trailing spaces in comparisons — MariaDB has no NO PAD binary
 * collation named the same as MySQL 8's — so ids differing only by trailing spaces collide.)
 *
 * There is no TypeORM API for a table's collation, hence raw SQL; the foreign key between two
 * converted columns is dropped and re-created around the conversion.
 */
export class CaseSensitiveKeysOnMysql1763683600000 implements MigrationInterface {
  name = 'CaseSensitiveKeysOnMysql1763683600000';

  async up(q: QueryRunner): Promise<void> {
    if (!portableTypes(q).isMysql) return;
    await this.convert(q, 'utf8mb4', 'utf8mb4_bin');
  }

  async down(q: QueryRunner): Promise<void> {
    if (!portableTypes(q).isMysql) return;
    // Back to what the tables had before: the database's defaults.
    const [row] = (await q.query(
      'SELECT DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()',
    )) as { cs: string; co: string }[];
    await this.convert(q, row.cs, row.co);
  }

  private async convert(q: QueryRunner, charset: string, collation: string): Promise<void> {
    const safe = /^[a-z0-9_]+$/i;
    if (!safe.test(charset) || !safe.test(collation)) throw new Error(`unexpected collation ${charset}/${collation}`);
    await q.dropForeignKey('pipeline_versions', 'FK_pipeline_versions_pipeline');
    for (const table of TABLES) {
      await q.query(`ALTER TABLE \`${table}\` CONVERT TO CHARACTER SET ${charset} COLLATE ${collation}`);
    }
    await q.createForeignKey('pipeline_versions', VERSIONS_FK());
  }
}

import type { QueryRunner } from 'typeorm';

/**
 * Column types that mean the same on SQLite and MySQL, for hand-written migrations.
 * Migrations build tables through TypeORM's `Table` API (no raw SQL) and take types from here.
 */
export interface PortableTypes {
  /** JSON documents of any size: `text` on SQLite, `longtext` on MySQL (whose `text` stops at 64 KB). */
  jsonText: string;
  /** Millisecond datetimes, stored in UTC (on SQLite `datetime(3)` is only a type name; values keep their ms). */
  datetime: { type: string; precision: number };
  /** 32-bit integers; `integer` is what TypeORM's SQLite metadata expects and MySQL reads it as `int`. */
  int: string;
  isMysql: boolean;
}

export function portableTypes(queryRunner: QueryRunner): PortableTypes {
  const type = queryRunner.connection.driver.options.type;
  const isMysql = type === 'mysql' || type === 'mariadb' || type === 'aurora-mysql';
  return {
    isMysql,
    jsonText: isMysql ? 'longtext' : 'text',
    datetime: { type: 'datetime', precision: 3 },
    int: isMysql ? 'int' : 'integer',
  };
}

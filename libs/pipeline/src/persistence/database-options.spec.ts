import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { DatabaseConfigError } from './database-config.error';
import {
  buildDataSourceOptions,
  DEFAULT_MYSQL_POOL_SIZE,
  MIGRATIONS_TABLE,
  parseDatabaseUrl,
} from './database-options';
import { PIPELINE_MIGRATIONS } from './migrations';
import { PipelineDefinitionEntity } from './pipeline-definition.entity';
import { PipelineVersionEntity } from './pipeline-version.entity';

describe('parseDatabaseUrl', () => {
  it('reads sqlite paths relative to the working directory', () => {
    expect(parseDatabaseUrl('sqlite:./data/pipeline.sqlite')).toEqual({
      kind: 'sqlite',
      database: resolve('data/pipeline.sqlite'),
      synchronous: 'normal',
    });
    expect(parseDatabaseUrl('sqlite:///var/lib/p.db')).toEqual({
      kind: 'sqlite',
      database: '/var/lib/p.db',
      synchronous: 'normal',
    });
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({
      kind: 'sqlite',
      database: ':memory:',
      synchronous: 'normal',
    });
  });

  it('takes ?synchronous on a SQLite URL and rejects anything else there', () => {
    expect(parseDatabaseUrl('sqlite:data/p.db?synchronous=FULL')).toEqual({
      kind: 'sqlite',
      database: resolve('data/p.db'),
      synchronous: 'full',
    });
    expect(() => parseDatabaseUrl('sqlite:data/p.db?synchronous=off')).toThrow(
      /synchronous must be normal, full or extra/,
    );
    expect(() => parseDatabaseUrl('sqlite:data/p.db?cache=shared')).toThrow(
      /unknown SQLite parameter\(s\) cache/,
    );
  });

  it('reads mysql URLs with encoded credentials and parameters', () => {
    expect(parseDatabaseUrl('mysql://app:p%40ss@db.internal/pipeline?connectionLimit=20')).toEqual({
      kind: 'mysql',
      flavor: 'mysql',
      host: 'db.internal',
      port: 3306,
      username: 'app',
      password: 'p@ss',
      database: 'pipeline',
      params: { connectionLimit: '20' },
    });
    expect(parseDatabaseUrl('mysql://root@127.0.0.1:3307/db')).toMatchObject({
      port: 3307,
      username: 'root',
      password: undefined,
    });
    expect(parseDatabaseUrl('mariadb://root@127.0.0.1/db')).toMatchObject({ kind: 'mysql', flavor: 'mariadb' });
  });

  it.each([
    ['postgres://u:secret@h/db', /unsupported scheme 'postgres'/],
    ['sqlite:', /names no SQLite file/],
    ['mysql://u:p@host', /names no MySQL database/],
    ['nonsense', /unsupported scheme/],
  ])('rejects %s with a clear message', (url, message) => {
    expect(() => parseDatabaseUrl(url)).toThrow(DatabaseConfigError);
    expect(() => parseDatabaseUrl(url)).toThrow(message);
  });

  it('never echoes a password in its errors', () => {
    expect(() => parseDatabaseUrl('postgres://u:hunter2@h/db')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });
});

describe('buildDataSourceOptions', () => {
  it('never synchronizes and always runs migrations', () => {
    const options = buildDataSourceOptions({ databaseUrl: 'sqlite::memory:' });
    expect(options).toMatchObject({
      type: 'better-sqlite3',
      database: ':memory:',
      synchronize: false,
      migrationsRun: true,
      enableWAL: false,
    });
  });

  it('builds mysql options when the driver is present', () => {
    const options = buildDataSourceOptions({ databaseUrl: 'mysql://u:p@h:3306/db' }, () => true);
    expect(options).toMatchObject({
      type: 'mysql',
      host: 'h',
      port: 3306,
      username: 'u',
      password: 'p',
      database: 'db',
      charset: 'utf8mb4',
      timezone: 'Z',
    });
  });

  it('connects to MySQL with FOUND_ROWS and a bounded pool', () => {
    const url = 'mysql://u:p@h:3306/db';
    expect(buildDataSourceOptions({ databaseUrl: url }, () => true)).toMatchObject({
      flags: ['+FOUND_ROWS'],
      poolSize: DEFAULT_MYSQL_POOL_SIZE,
    });
    expect(buildDataSourceOptions({ databaseUrl: url, poolSize: 25 }, () => true)).toMatchObject({ poolSize: 25 });
    // The URL is the more specific setting.
    expect(
      buildDataSourceOptions({ databaseUrl: `${url}?connectionLimit=4`, poolSize: 25 }, () => true),
    ).toMatchObject({ poolSize: 4 });
    expect(() => buildDataSourceOptions({ databaseUrl: url, poolSize: 0 }, () => true)).toThrow(DatabaseConfigError);
    expect(() => buildDataSourceOptions({ databaseUrl: `${url}?connectionLimit=x` }, () => true)).toThrow(
      /pool size/,
    );
  });

  it('uses the mariadb dialect for mariadb:// URLs', () => {
    expect(buildDataSourceOptions({ databaseUrl: 'mariadb://u@h/db' }, () => true)).toMatchObject({ type: 'mariadb' });
  });

  it('explains a missing mysql2 driver', () => {
    expect(() =>
      buildDataSourceOptions({ databaseUrl: 'mysql://u:p@h:3306/db' }, () => false),
    ).toThrow(/'mysql2' driver is not installed/);
  });
});

describe('the definitions migration on SQLite', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pipeline-db-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('create the schema in a new folder, in WAL mode, and roll back cleanly', async () => {
    const file = join(dir, 'nested', 'folder', 'p.sqlite');
    // Only its entities: the drift check below is about them (later migrations add columns to them).
    const ds = new DataSource({
      ...buildDataSourceOptions({ databaseUrl: `sqlite:${file}` }),
      entities: [PipelineDefinitionEntity, PipelineVersionEntity],
    });
    await ds.initialize();
    try {
      const [{ journal_mode }] = await ds.query('PRAGMA journal_mode');
      expect(journal_mode).toBe('wal');
      const [{ timeout }] = await ds.query('PRAGMA busy_timeout');
      expect(timeout).toBe(5000);
      // NORMAL (1) by default: WAL keeps a killed process's commits; see SQLITE_SYNCHRONOUS_DEFAULT.
      const [{ synchronous }] = await ds.query('PRAGMA synchronous');
      expect(synchronous).toBe(1);
      expect(await ds.query(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY id`)).toEqual(
        PIPELINE_MIGRATIONS.map((M) => ({ name: new M().name })),
      );
      // The entities' metadata matches what the migration built: nothing left to generate.
      const pending = await ds.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);

      const now = new Date('2025-11-21T10:11:12.345Z');
      await ds.getRepository(PipelineDefinitionEntity).insert({
        id: 'p1',
        key: 'k',
        name: 'n',
        latestVersion: 1,
        enabled: true,
        maxConcurrentRuns: null,
        queueMode: 'fifo',
        createdAt: now,
        updatedAt: now,
      });
      const big = { id: 'x', blob: 'y'.repeat(200_000), '${x}': { type: 'plain', value: 1 } };
      await ds
        .getRepository(PipelineVersionEntity)
        .insert({ pipelineId: 'p1', version: 1, definition: big, format: 'tree', createdAt: now });
      const row = await ds
        .getRepository(PipelineVersionEntity)
        .findOneByOrFail({ pipelineId: 'p1', version: 1 });
      expect(row.definition).toEqual(big);
      expect(row.createdAt.toISOString()).toBe(now.toISOString());
      const def = await ds.getRepository(PipelineDefinitionEntity).findOneByOrFail({ id: 'p1' });
      expect(def).toMatchObject({ enabled: true, maxConcurrentRuns: null, queueMode: 'fifo' });

      await expect(
        ds
          .getRepository(PipelineVersionEntity)
          .insert({ pipelineId: 'p1', version: 1, definition: {}, format: 'tree', createdAt: now }),
      ).rejects.toThrow(/UNIQUE|PRIMARY/i);
      await expect(
        ds.getRepository(PipelineDefinitionEntity).insert({ ...def, id: 'p2' }),
      ).rejects.toThrow(/UNIQUE/i);

      for (let i = 0; i < PIPELINE_MIGRATIONS.length; i++) await ds.undoLastMigration();
      const tables = await ds.query(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'pipeline_%'`,
      );
      expect(tables).toEqual([{ name: MIGRATIONS_TABLE }]);
    } finally {
      await ds.destroy();
    }
  });
});

describe('all migrations', () => {
  it('apply on an empty in-memory database', async () => {
    const ds = new DataSource(buildDataSourceOptions({ databaseUrl: 'sqlite::memory:' }));
    await ds.initialize();
    try {
      expect(await ds.showMigrations()).toBe(false);
    } finally {
      await ds.destroy();
    }
  });

  it('give the runs list an index per filter, and roll back to nothing on SQLite', async () => {
    const ds = new DataSource(buildDataSourceOptions({ databaseUrl: 'sqlite::memory:' }));
    await ds.initialize();
    try {
      const runIndexes = async () =>
        ((await ds.query(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'run' AND sql IS NOT NULL ORDER BY name`)) as { name: string }[]).map((r) => r.name);
      expect(await runIndexes()).toEqual([
        'idx_run_business_key',
        'idx_run_created',
        'idx_run_deadline',
        'idx_run_pipeline_created',
        'idx_run_pipeline_state_created',
        'idx_run_state_created',
        'uq_run_schedule_due',
      ]);
      for (let i = 0; i < PIPELINE_MIGRATIONS.length; i++) await ds.undoLastMigration();
      const tables = await ds.query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`);
      expect(tables).toEqual([{ name: MIGRATIONS_TABLE }]);
      await ds.runMigrations();
      expect(await ds.showMigrations()).toBe(false);
    } finally {
      await ds.destroy();
    }
  });
});

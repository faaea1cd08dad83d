import { DataSource } from 'typeorm';
import { createScratchDatabase, describeWithMysql } from '../../../../test/utils/services';
import { emptyDecision } from '../engine/decision';
import { buildDataSourceOptions, DEFAULT_MYSQL_POOL_SIZE, MIGRATIONS_TABLE } from './database-options';
import { PIPELINE_MIGRATIONS } from './migrations';
import { TypeormRunStore } from './typeorm-run-store';

const ENGINE_TABLES = [
  'context_value',
  'external_task',
  'node_history',
  'node_state',
  'pipeline_definitions',
  'pipeline_schedule',
  'pipeline_versions',
  'run',
  'run_event',
  'run_process',
  'pipeline_failure_callback',
  'webhook',
  'webhook_attempt',
  'webhook_cursor',
  'webhook_delivery',
];

async function tablesOf(ds: DataSource, database: string): Promise<string[]> {
  const rows: { t: string }[] = await ds.query(
    'SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME',
    [database],
  );
  return rows.map((r) => r.t);
}

/** The mysql2 pool behind a DataSource (TypeORM keeps it on the driver). */
type PoolConfig = { connectionLimit: number; connectionConfig: { clientFlags: number; timezone: string } };
const poolConfigOf = (ds: DataSource) => (ds.driver as unknown as { pool: { config: PoolConfig } }).pool.config;
const CLIENT_FOUND_ROWS = 2;

describeWithMysql('Database on MySQL', (serverUrl) => {
  it('migrates an empty database up, all the way down, and up again', async () => {
    const db = await createScratchDatabase(serverUrl);
    const ds = new DataSource(buildDataSourceOptions({ databaseUrl: db.url }));
    try {
      await ds.initialize();
      expect(await ds.showMigrations()).toBe(false);
      expect(await tablesOf(ds, db.database)).toEqual([...ENGINE_TABLES, MIGRATIONS_TABLE].sort());
      const applied: { name: string }[] = await ds.query(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY id`);
      expect(applied.map((m) => m.name)).toEqual(PIPELINE_MIGRATIONS.map((M) => new M().name));

      for (let i = 0; i < PIPELINE_MIGRATIONS.length; i++) await ds.undoLastMigration();
      expect(await tablesOf(ds, db.database)).toEqual([MIGRATIONS_TABLE]);
      expect(await ds.query(`SELECT name FROM ${MIGRATIONS_TABLE}`)).toEqual([]);

      await ds.runMigrations();
      expect(await ds.showMigrations()).toBe(false);
      expect(await tablesOf(ds, db.database)).toEqual([...ENGINE_TABLES, MIGRATIONS_TABLE].sort());
    } finally {
      if (ds.isInitialized) await ds.destroy();
      await db.drop();
    }
  });

  it('connects with FOUND_ROWS, UTC datetimes and the configured pool size', async () => {
    const db = await createScratchDatabase(serverUrl);
    const defaults = new DataSource(buildDataSourceOptions({ databaseUrl: db.url }));
    const sized = new DataSource(buildDataSourceOptions({ databaseUrl: db.url, poolSize: 3 }));
    try {
      await defaults.initialize();
      await sized.initialize();
      const config = poolConfigOf(defaults);
      expect(config.connectionLimit).toBe(DEFAULT_MYSQL_POOL_SIZE);
      expect(config.connectionConfig.clientFlags & CLIENT_FOUND_ROWS).toBe(CLIENT_FOUND_ROWS);
      expect(config.connectionConfig.timezone).toBe('Z');
      expect(poolConfigOf(sized).connectionLimit).toBe(3);
    } finally {
      if (sized.isInitialized) await sized.destroy();
      if (defaults.isInitialized) await defaults.destroy();
      await db.drop();
    }
  });

  it('works through a mariadb:// URL (TypeORM mariadb dialect) when the server is MariaDB', async () => {
    const db = await createScratchDatabase(serverUrl);
    const probe = new DataSource(buildDataSourceOptions({ databaseUrl: db.url }));
    await probe.initialize();
    const [{ v }] = await probe.query('SELECT VERSION() AS v');
    await probe.destroy();
    try {
      if (!/mariadb/i.test(v)) {
        console.warn(`mariadb:// check not run: the server is MySQL ${v}`);
        return;
      }
      const url = db.url.replace(/^mysql:/, 'mariadb:');
      const ds = new DataSource(buildDataSourceOptions({ databaseUrl: url }));
      await ds.initialize();
      try {
        expect(ds.options.type).toBe('mariadb');
        expect(await ds.showMigrations()).toBe(false);
        // Inserts with generated ids go through INSERT ... RETURNING on this dialect.
        const store = new TypeormRunStore(ds);
        const id = '20000000-0000-4000-8000-000000000001';
        const tree = { id: 't', start_event: {}, end_event: {}, activities: {}, gateways: {}, flows: {}, data: { inputs: {}, outputs: [] } };
        await store.createRun({
          id, pipelineId: null, pipelineVersion: null, tree: tree as never, converges: {}, state: 'RUNNING', businessKey: null,
          priority: 0, inputs: {}, context: {},
          rootProcess: { id: `p${id.slice(1)}`, runId: id, parentId: null, scopeId: 't', currentNodeId: 's', destinationId: null, state: 'ACTIVE', pendingChildren: 0, rev: 0 },
          createdAt: new Date(),
        });
        await store.apply(
          id,
          { ...emptyDecision(), events: [{ type: 'node_enter', nodeId: 's', data: { n: 1 } }, { type: 'node_finish', nodeId: 's', data: {} }] },
          new Date(),
        );
        const events = await store.listEvents(id, 0, 10);
        expect(events.map((e) => e.eventType)).toEqual(['node_enter', 'node_finish']);
        expect(events[1].id).toBeGreaterThan(events[0].id);
      } finally {
        await ds.destroy();
      }
    } finally {
      await db.drop();
    }
  });
});

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { runStoreContract } from '../ports/run-store.contract.spec-helper';
import { defineOn } from './contract-definitions.spec-helper';
import { buildDataSourceOptions } from './database-options';
import { TypeormRunStore } from './typeorm-run-store';

runStoreContract('TypeORM on SQLite (better-sqlite3, migrations)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-store-'));
  const ds = new DataSource(buildDataSourceOptions({ databaseUrl: `sqlite:${path.join(dir, 'db.sqlite')}` }));
  await ds.initialize();
  return {
    store: new TypeormRunStore(ds),
    define: defineOn(ds),
    close: async () => {
      await ds.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

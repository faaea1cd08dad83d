import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../persistence/database-options';
import { slugify } from './pipeline-definition.service';
import { definitionServiceSuite } from './pipeline-definition.service.spec-helper';

describe('slugify', () => {
  it.each([
    ['Nightly Build (v2)', 'nightly-build-v2'],
    ['  Crème brûlée!  ', 'creme-brulee'],
    ['日本語', 'pipeline'],
    ['x'.repeat(100), 'x'.repeat(56)],
  ])('%s → %s', (name, slug) => expect(slugify(name)).toBe(slug));
});

definitionServiceSuite('SQLite', async () => {
  const ds = new DataSource(buildDataSourceOptions({ databaseUrl: 'sqlite::memory:' }));
  await ds.initialize();
  return { ds, close: () => ds.destroy() };
});

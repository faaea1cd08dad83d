import { DataSource } from 'typeorm';
import { createScratchDatabase, describeWithMysql } from '../../../../test/utils/services';
import { buildDataSourceOptions } from '../persistence/database-options';
import { definitionServiceSuite } from './pipeline-definition.service.spec-helper';

describeWithMysql('PipelineDefinitionService on MySQL', (serverUrl) => {
  definitionServiceSuite('MySQL (mysql2, migrations)', async () => {
    const db = await createScratchDatabase(serverUrl);
    const ds = new DataSource(buildDataSourceOptions({ databaseUrl: db.url }));
    try {
      await ds.initialize();
    } catch (err) {
      await db.drop();
      throw err;
    }
    return {
      ds,
      close: async () => {
        await ds.destroy();
        await db.drop();
      },
    };
  });
});

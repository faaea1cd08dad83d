import { dagSuite } from './utils/dag-suite';
import { type EmbeddedApp, startEmbeddedApp } from './utils/embedded-app';

/** DAG definitions (DESIGN §8.1) over the REST API of the embedded app. */
describe('DAG definitions (embedded)', () => {
  let api: EmbeddedApp;
  beforeAll(async () => {
    api = await startEmbeddedApp();
  });
  afterAll(() => api?.close());

  dagSuite(() => api.http());
});

import { conformanceSuite } from './utils/conformance-suite';
import { type EmbeddedApp, startEmbeddedApp } from './utils/embedded-app';

/** Every conformance fixture over the REST API of the embedded app (one process, SQLite). */
describe('conformance (embedded)', () => {
  let api: EmbeddedApp;
  beforeAll(async () => {
    api = await startEmbeddedApp();
  });
  afterAll(() => api?.close());

  conformanceSuite(() => api.http());
});

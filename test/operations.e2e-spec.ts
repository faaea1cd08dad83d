import { startEmbeddedApp, type EmbeddedApp } from './utils/embedded-app';
import { operationsSuite } from './utils/operations-suite';

/** Every operation and failure answer of DESIGN §5 over HTTP, embedded mode (SQLite, in-process queue). */
describe('operations (embedded)', () => {
  let app: EmbeddedApp;

  beforeAll(async () => {
    app = await startEmbeddedApp();
  });

  afterAll(async () => {
    await app?.close();
  });

  operationsSuite(() => app.http());
});

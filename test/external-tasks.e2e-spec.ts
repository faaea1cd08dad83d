import { type EmbeddedApp, startEmbeddedApp } from './utils/embedded-app';
import { externalTasksSuite } from './utils/external-tasks-suite';

jest.setTimeout(60_000);

/** External tasks (DESIGN §8.6) over the REST API of the embedded app. */
describe('external tasks (embedded)', () => {
  let app: EmbeddedApp;
  beforeAll(async () => {
    app = await startEmbeddedApp();
  });
  afterAll(() => app?.close());

  externalTasksSuite({ http: () => app.http(), apis: () => [app.baseUrl] });
});

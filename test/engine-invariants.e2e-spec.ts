import { Reconciler } from '@app/pipeline';
import { DataSource } from 'typeorm';
import { engineInvariantSuite } from './utils/engine-invariants-suite';
import { type EmbeddedApp, startEmbeddedApp } from './utils/embedded-app';

/** Broken engine invariants fail their node visibly, in embedded mode (one process, SQLite). */
describe('engine invariants (embedded)', () => {
  let api: EmbeddedApp;
  beforeAll(async () => {
    api = await startEmbeddedApp();
  });
  afterAll(() => api?.close());

  engineInvariantSuite(() => ({
    http: () => api.http(),
    query: (sql, params) => api.app.get(DataSource).query(sql, params),
    // Embedded mode reconciles at boot only: what a restart after the corruption would do.
    reconcile: async () => {
      await api.app.get(Reconciler).reconcileOnce(0);
    },
    recoveryMs: 10_000,
  }));
});

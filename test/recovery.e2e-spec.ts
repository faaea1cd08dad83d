import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { startEmbeddedApp } from './utils/embedded-app';
import { chainTree, plain } from './utils/run-trees';

/**
 * Embedded mode keeps its queue in memory: stopping the app mid-run loses every queued and
 * delayed job. The next start must pick the run up again from the database.
 */
describe('embedded restart recovery', () => {
  it('finishes runs that were mid-flight when the app stopped', async () => {
    const first = await startEmbeddedApp({}, { keepDatabase: true });
    const dbFile = first.databaseFile;
    const tree = chainTree('restart', [
      { id: 'before', code: 'noop' },
      { id: 'nap', code: 'sleep', inputs: { seconds: plain(0.5) } },
      { id: 'after', code: 'echo', inputs: { done: plain(true) } },
    ]);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await first.http().post('/api/v1/runs').send({ definition: tree }).expect(201)).body.id);
    }
    // wait until every run sleeps in `nap`, then stop: the delayed polls die with the queue
    for (const id of ids) {
      for (;;) {
        const run = (await first.http().get(`/api/v1/runs/${id}`).expect(200)).body;
        if (run.nodes.nap?.state === 'RUNNING') break;
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    await first.close();

    const second = await startEmbeddedApp({}, { databaseFile: dbFile });
    try {
      for (const id of ids) {
        let run;
        for (let i = 0; i < 500; i++) {
          run = (await second.http().get(`/api/v1/runs/${id}`).expect(200)).body;
          if (run.state !== 'RUNNING') break;
          await new Promise((r) => setTimeout(r, 20));
        }
        expect(run.state).toBe('FINISHED');
        expect(Object.values(run.nodes).every((n) => (n as { state: string }).state === 'FINISHED')).toBe(true);
        // the sleep kept its deadline and version: no second life of the node
        expect(run.nodes.nap.version).toBe(1);
      }
    } finally {
      await second.close();
      rmSync(dirname(dbFile), { recursive: true, force: true });
    }
  });
});

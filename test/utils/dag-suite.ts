import { API, findNode, runApi, type Http, type NodeView } from './run-api';

/**
 * DAG definitions (DESIGN §8.1) over the REST API, beyond what the conformance fixtures can
 * say: early firing of `one_*` rules, operations on works (retry reopening the run and the
 * works its failure skipped, skip counting as success, forced failure), `skipReason`,
 * external tasks given by name, and the definition settings Termite's config carries.
 */
export function dagSuite(http: Http): void {
  const api = runApi(http);
  const noop = (name: string) => ({ name, component: { code: 'noop', inputs: {} } });
  const fail = (name: string, inputs: Record<string, unknown> = { message: 'compile error' }) => ({
    name,
    component: { code: 'fail', inputs },
  });

  async function startDag(definition: unknown, inputs: Record<string, unknown> = {}): Promise<string> {
    const res = await http().post(`${API}/runs`).send({ format: 'dag', definition, inputs });
    if (res.status !== 201) throw new Error(`start failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  }
  const stateOf = (nodes: Record<string, NodeView>, id: string) => findNode(nodes, id)?.state ?? null;

  it('fires a one_success work as soon as one upstream succeeds, before the others settle', async () => {
    const runId = await startDag({
      works: [{ name: 'slow', component: { code: 'wait_callback', inputs: {} } }, noop('fast'), noop('next')],
      dags: { next: { dependences: ['slow', 'fast'], trigger_rule: 'one_success' } },
    });
    const run = await api.waitNode(runId, 'next', 'FINISHED');
    expect(stateOf(run.nodes, 'slow')).toBe('RUNNING');
    expect(run.state).toBe('RUNNING');
    const version = findNode(run.nodes, 'slow')!.version;
    expect((await api.op(runId, 'nodes/slow/callback', { version, data: { ok: true } })).status).toBe(200);
    await api.waitState(runId, 'FINISHED');
  });

  it('shows why a work was skipped, and retrying the failed work reopens the run and re-runs what it skipped', async () => {
    const runId = await startDag({
      works: [fail('build', { message: 'compile error' }), noop('test'), noop('deploy'), noop('report')],
      dags: {
        test: { dependences: ['build'] },
        deploy: { dependences: ['test'] },
        report: { dependences: ['build'], trigger_rule: 'all_done' },
      },
    });
    const failed = await api.waitState(runId, 'FAILED');
    expect(failed.nodes.test).toMatchObject({ state: 'SKIPPED', skipReason: 'upstream_failed' });
    expect(failed.nodes.deploy).toMatchObject({ state: 'SKIPPED', skipReason: 'upstream_failed' });
    expect(failed.nodes.report.state).toBe('FINISHED');
    const events = await api.events(runId);
    expect(events.filter((e) => e.eventType === 'node_skipped').map((e) => e.nodeId).sort()).toEqual(['deploy', 'test']);

    // `fail` succeeds with `fail: false`: the retry with new inputs passes.
    const retry = await api.op(runId, 'nodes/build/retry', { inputs: { fail: false } });
    expect(retry.status).toBe(200);
    const done = await api.waitState(runId, 'FINISHED');
    expect(stateOf(done.nodes, 'build')).toBe('FINISHED');
    expect(stateOf(done.nodes, 'test')).toBe('FINISHED');
    expect(stateOf(done.nodes, 'deploy')).toBe('FINISHED');
    expect(done.nodes.test.skipReason).toBeUndefined();
    // The report ran once: it was not skipped, so the retry leaves it alone.
    expect((await api.node(runId, 'report')).histories).toEqual([]);
    const testHistories = (await api.node(runId, 'test')).histories;
    expect(testHistories.map((h) => h.state)).toEqual(['SKIPPED']);
  });

  it('skipping a failed work counts as a success downstream', async () => {
    const runId = await startDag({
      works: [fail('build'), noop('test')],
      dags: { test: { dependences: ['build'] } },
    });
    await api.waitState(runId, 'FAILED');
    expect((await api.op(runId, 'nodes/build/skip')).status).toBe(200);
    const done = await api.waitState(runId, 'FINISHED');
    expect(done.nodes.build).toMatchObject({ state: 'FINISHED', skip: true });
    expect(stateOf(done.nodes, 'test')).toBe('FINISHED');
  });

  it('a forced failure of a work is decided downstream like any failure', async () => {
    const runId = await startDag({
      works: [{ name: 'wait', component: { code: 'wait_callback', inputs: {} } }, noop('after'), noop('cleanup')],
      dags: {
        after: { dependences: ['wait'] },
        cleanup: { dependences: ['wait'], trigger_rule: 'one_failed' },
      },
    });
    await api.waitNode(runId, 'wait', 'RUNNING');
    expect((await api.op(runId, 'nodes/wait/forced-fail', { exData: 'operator stop' })).status).toBe(200);
    const failed = await api.waitState(runId, 'FAILED');
    expect(stateOf(failed.nodes, 'cleanup')).toBe('FINISHED');
    expect(failed.nodes.after).toMatchObject({ state: 'SKIPPED', skipReason: 'upstream_failed' });
  });

  it('a work given by name is an external task on its own topic, finished by its report', async () => {
    const runId = await startDag({ works: ['submit', 'trace'], dags: { trace: { dependences: ['submit'] } } }, { order: 7 });
    const version = await api.runningVersion(runId, 'submit');
    const submit = await api.node(runId, 'submit');
    expect(submit.inputs).toEqual({ topic: 'submit' });
    // The worker gets the run's variables as the payload.
    expect(submit.outputs).toMatchObject({ topic: 'submit', payload: { order: 7 } });
    expect((await api.op(runId, 'nodes/submit/callback', { version, data: { outputs: { ticket: 42 } } })).status).toBe(200);
    const traceVersion = await api.runningVersion(runId, 'trace');
    expect((await api.node(runId, 'submit')).outputs).toMatchObject({ ticket: 42 });
    // A failure report fails the work; nothing depends on it, so the run fails.
    expect((await api.op(runId, 'nodes/trace/callback', { version: traceVersion, data: { error: 'no route' } })).status).toBe(200);
    const failed = await api.waitState(runId, 'FAILED');
    expect(failed.nodes.trace.state).toBe('FAILED');
    expect((await api.node(runId, 'trace')).exData).toBe('no route');
  });

  it('revoking a DAG run revokes its running works and leaves skipped ones as they are', async () => {
    const runId = await startDag({
      works: [{ name: 'wait', component: { code: 'wait_callback', inputs: {} } }, fail('broken'), noop('after')],
      dags: { after: { dependences: ['broken'] } },
    });
    await api.waitNode(runId, 'after', 'SKIPPED');
    expect((await api.op(runId, 'revoke')).status).toBe(200);
    const revoked = await api.waitState(runId, 'REVOKED');
    expect(stateOf(revoked.nodes, 'wait')).toBe('REVOKED');
    expect(stateOf(revoked.nodes, 'after')).toBe('SKIPPED');
  });

  it('a stored DAG takes max_scheduler_count and scheduler_mode as its limits unless the build call sets them', async () => {
    const definition = { works: ['a'], max_scheduler_count: 7, scheduler_mode: 'lifo' };
    const res = await http().post(`${API}/pipelines`).send({ name: `dag-settings-${Date.now()}`, format: 'dag', definition });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ format: 'dag', maxConcurrentRuns: 7, queueMode: 'lifo', definition });
    const own = await http()
      .post(`${API}/pipelines`)
      .send({ name: `dag-own-${Date.now()}`, format: 'dag', definition, maxConcurrentRuns: 2, queueMode: 'fifo' });
    expect(own.body).toMatchObject({ maxConcurrentRuns: 2, queueMode: 'fifo' });
    const run = await http().post(`${API}/pipelines/${res.body.id}/runs`).send({});
    expect(run.status).toBe(201);
    await api.waitNode(run.body.id as string, 'a', 'RUNNING');
  });

  it('a wide fan-out and fan-in settles each work exactly once (works settling at once serialize on the DAG)', async () => {
    const wide = Array.from({ length: 40 }, (_, i) => `w${i}`);
    const runId = await startDag({
      works: [noop('root'), ...wide.map(noop), noop('join'), noop('any')],
      dags: {
        ...Object.fromEntries(wide.map((w) => [w, { dependences: ['root'] }])),
        join: { dependences: wide },
        any: { dependences: wide, trigger_rule: 'one_success' },
      },
    });
    const done = await api.waitState(runId, 'FINISHED', 60_000);
    for (const id of ['root', ...wide, 'join', 'any']) expect([id, stateOf(done.nodes, id)]).toEqual([id, 'FINISHED']);
    const entered = (await api.events(runId)).filter((e) => e.eventType === 'node_enter').map((e) => e.nodeId);
    expect(entered.length).toBe(wide.length + 3);
    expect(new Set(entered).size).toBe(entered.length);
  });

  it('a work that runs out of time fails like any failure and its downstream decides (DESIGN §8.3)', async () => {
    const runId = await startDag({
      works: [{ name: 'stuck', component: { code: 'wait_callback', inputs: {} }, timeout: { runningSeconds: 1 } }, noop('after'), noop('alert')],
      dags: { after: { dependences: ['stuck'] }, alert: { dependences: ['stuck'], trigger_rule: 'one_failed' } },
    });
    const failed = await api.waitState(runId, 'FAILED', 30_000);
    expect(stateOf(failed.nodes, 'stuck')).toBe('FAILED');
    expect(String((await api.node(runId, 'stuck')).exData)).toMatch(/running timeout/);
    expect(stateOf(failed.nodes, 'alert')).toBe('FINISHED');
    expect(failed.nodes.after).toMatchObject({ state: 'SKIPPED', skipReason: 'upstream_failed' });
  });

  it('answers 409 for operations a work cannot take', async () => {
    const runId = await startDag({ works: [noop('a'), noop('b')], dags: { b: { dependences: ['a'] } } });
    await api.waitState(runId, 'FINISHED');
    const res = await api.op(runId, 'nodes/a/retry');
    expect(res.status).toBe(409);
  });
}

import { TreeBuilder, linearTree as generatedLinear, parallelTree as generatedParallel, type PipelineTree } from '@app/pipeline';
import { chainTree, plain } from './run-trees';
import { API, findNode, runApi, sleep, type Http } from './run-api';

/**
 * Every operation of DESIGN §5 and every failure answer, over HTTP. Declared inside a
 * `describe` that provides the API (an embedded app, or the api process of a distributed
 * deployment), so both modes run the same checks.
 */
export function operationsSuite(http: Http): void {
  const api = runApi(http);

  /** start → eg (x==1 → a1, x==2 → a2) → end */
  function exclusiveTree(): PipelineTree {
    const b = new TreeBuilder('ops_eg').start().end().activity('a1').activity('a2').gateway('eg', 'ExclusiveGateway');
    b.flow('start', 'eg');
    b.flow('eg', 'a1', { id: 'to_a1', condition: '${x} == 1' });
    b.flow('eg', 'a2', { id: 'to_a2', condition: '${x} == 2' });
    b.flow('a1', 'end');
    b.flow('a2', 'end');
    b.variable('${x}', { type: 'plain', value: 0 });
    return b.build();
  }

  /** start → cpg (x==1 → a1, x==2 → a2) → cg → end */
  function conditionalParallelTree(): PipelineTree {
    const b = new TreeBuilder('ops_cpg')
      .start()
      .end()
      .activity('a1')
      .activity('a2')
      .gateway('cpg', 'ConditionalParallelGateway')
      .gateway('cg', 'ConvergeGateway');
    b.flow('start', 'cpg');
    b.flow('cpg', 'a1', { id: 'to_a1', condition: '${x} == 1' });
    b.flow('cpg', 'a2', { id: 'to_a2', condition: '${x} == 2' });
    b.chain('a1', 'cg');
    b.chain('a2', 'cg', 'end');
    b.variable('${x}', { type: 'plain', value: 0 });
    return b.build();
  }

  /**
   * start → pg → (w1: wait_callback | sp: [w2: wait_callback]) → cg → after → end: pause and
   * revoke must reach a parallel branch and the inside of a sub-process.
   */
  function branchesTree(): PipelineTree {
    const inner = new TreeBuilder('sp', { flowPrefix: 'sf' }).start('sp_start').end('sp_end').activity('w2', 'wait_callback');
    inner.chain('sp_start', 'w2', 'sp_end');
    const b = new TreeBuilder('ops_branches')
      .start()
      .end()
      .gateway('pg', 'ParallelGateway')
      .gateway('cg', 'ConvergeGateway')
      .activity('w1', 'wait_callback')
      .activity('after1')
      .activity('after2')
      .subProcess('sp', inner.build());
    b.chain('start', 'pg', 'w1', 'after1', 'cg');
    b.chain('pg', 'sp', 'after2', 'cg', 'end');
    return b.build();
  }

  /** start → sp(params flag = ${flag}) [inner: fail(fail = ${flag})] → end */
  function subprocessTree(): PipelineTree {
    const inner = new TreeBuilder('sp', { flowPrefix: 'sf' }).start('sp_start').end('sp_end').activity('inner', 'fail', { fail: { type: 'splice', value: '${flag}' } });
    inner.chain('sp_start', 'inner', 'sp_end');
    inner.variable('${flag}', { type: 'plain', value: true });
    const b = new TreeBuilder('ops_sp').start().end().subProcess('sp', inner.build(), { '${flag}': { type: 'splice', value: '${flag}' } });
    b.chain('start', 'sp', 'end');
    b.variable('${flag}', { type: 'plain', value: true });
    return b.build();
  }

  const expectConflict = (res: { status: number; body: Record<string, unknown> }, code = 'OPERATION_NOT_ALLOWED') => {
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ statusCode: 409, code });
    expect(typeof res.body.message).toBe('string');
  };

  describe('answers', () => {
    it('404 for an unknown run or node, on every operation', async () => {
      const runId = await api.start(chainTree('ops_404', [{ id: 'a1', code: 'wait_callback' }]));
      for (const path of ['pause', 'resume', 'revoke']) {
        expect((await api.op('00000000-0000-4000-8000-000000000000', path)).status).toBe(404);
      }
      for (const path of ['pause', 'resume', 'retry', 'skip', 'forced-fail', 'skip-gateway', 'retry-subprocess']) {
        const res = await api.op(runId, `nodes/nope/${path}`, path === 'skip-gateway' ? { flowId: 'f' } : {});
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ code: 'NOT_FOUND' });
      }
      expect((await api.op(runId, 'nodes/nope/callback', { version: 1 })).status).toBe(404);
      expect((await http().get(`${API}/runs/00000000-0000-4000-8000-000000000000/events`)).status).toBe(404);
      expect((await http().patch(`${API}/runs/00000000-0000-4000-8000-000000000000/context`).send({ values: { x: 1 } })).status).toBe(404);
      await api.op(runId, 'revoke');
    });

    it('400 for malformed operation bodies', async () => {
      const runId = await api.start(chainTree('ops_400', [{ id: 'a1', code: 'wait_callback' }]));
      expect((await api.op(runId, 'nodes/a1/callback', {})).status).toBe(400);
      expect((await api.op(runId, 'nodes/a1/callback', { version: 'x' })).status).toBe(400);
      expect((await api.op(runId, 'nodes/a1/retry', { inputs: 'x' })).status).toBe(400);
      expect((await api.op(runId, 'nodes/a1/skip-gateway', { flowIds: [] })).status).toBe(400);
      expect((await http().patch(`${API}/runs/${runId}/context`).send({ values: 3 })).status).toBe(400);
      expect((await http().patch(`${API}/runs/${runId}/context`).send({ values: { 'bad name!': 1 } })).status).toBe(400);
      await api.op(runId, 'revoke');
    });
  });

  describe('run operations', () => {
    it('pause holds a run after its running nodes, in parallel branches and sub-processes; resume goes on', async () => {
      const runId = await api.start(branchesTree());
      const v1 = await api.runningVersion(runId, 'w1');
      const v2 = await api.runningVersion(runId, 'w2');

      const paused = await api.op(runId, 'pause');
      expect(paused.status).toBe(200);
      expect(paused.body).toMatchObject({ runId, runState: 'SUSPENDED' });
      expectConflict(await api.op(runId, 'pause'));
      expect((await api.get(runId)).state).toBe('SUSPENDED');

      // Running nodes finish while paused; nothing after them starts.
      expect((await api.op(runId, 'nodes/w1/callback', { version: v1, data: {} })).status).toBe(200);
      expect((await api.op(runId, 'nodes/w2/callback', { version: v2, data: {} })).status).toBe(200);
      await api.waitFor(runId, (r) => findNode(r.nodes, 'w1')?.state === 'FINISHED' && findNode(r.nodes, 'w2')?.state === 'FINISHED', 'both waits finished');
      await sleep(300);
      const held = await api.get(runId);
      expect(held.state).toBe('SUSPENDED');
      expect(findNode(held.nodes, 'after1')).toBeUndefined();
      expect(findNode(held.nodes, 'after2')).toBeUndefined();
      expect(held.nodes.sp.state).toBe('RUNNING');

      const resumed = await api.op(runId, 'resume');
      expect(resumed.status).toBe(200);
      expect(resumed.body.runState).toBe('RUNNING');
      const done = await api.waitState(runId, 'FINISHED');
      expect(done.nodes.after1.state).toBe('FINISHED');
      expect(done.nodes.after2.state).toBe('FINISHED');
      expectConflict(await api.op(runId, 'resume'));
      const conflict = await api.op(runId, 'pause');
      expectConflict(conflict);
      expect(conflict.body.state).toBe('FINISHED');
    });

    it('revoke stops every branch and sub-process for good: nothing executes or is scheduled again', async () => {
      const b = new TreeBuilder('ops_revoke')
        .start()
        .end()
        .gateway('pg', 'ParallelGateway')
        .gateway('cg', 'ConvergeGateway')
        .activity('poller', 'poll', { times: plain(100000), interval: plain(0.02) })
        .activity('w1', 'wait_callback')
        .activity('after');
      b.chain('start', 'pg', 'poller', 'cg');
      b.chain('pg', 'w1', 'cg', 'after', 'end');
      const runId = await api.start(b.build());
      const v = await api.runningVersion(runId, 'w1');
      await api.waitFor(runId, () => true);
      await sleep(150);

      const revoked = await api.op(runId, 'revoke');
      expect(revoked.status).toBe(200);
      expect(revoked.body.runState).toBe('REVOKED');
      const run = await api.get(runId);
      expect(run.state).toBe('REVOKED');
      expect(run.nodes.poller.state).toBe('REVOKED');
      expect(run.nodes.w1.state).toBe('REVOKED');

      const polls = (await api.node(runId, 'poller')).outputs?.polls;
      const eventCount = (await api.events(runId)).length;
      await sleep(400);
      expect((await api.node(runId, 'poller')).outputs?.polls).toBe(polls);
      expect((await api.events(runId)).length).toBe(eventCount);
      expect((await api.get(runId)).nodes.after).toBeUndefined();

      const late = await api.op(runId, 'nodes/w1/callback', { version: v, data: {} });
      expectConflict(late);
      expect(late.body.state).toBe('REVOKED');
      expectConflict(await api.op(runId, 'revoke'));
      expectConflict(await api.op(runId, 'resume'));
    });

    it('revoke reaches inside a sub-process', async () => {
      const runId = await api.start(branchesTree());
      await api.runningVersion(runId, 'w2');
      expect((await api.op(runId, 'revoke')).status).toBe(200);
      const run = await api.get(runId);
      expect(findNode(run.nodes, 'w2')?.state).toBe('REVOKED');
      expect(run.nodes.sp.state).toBe('REVOKED');
    });
  });

  describe('node operations', () => {
    it('appointed pause stops the run at a node not reached yet; resume lets it go on', async () => {
      const runId = await api.start(chainTree('ops_pause_node', [{ id: 'a1', code: 'wait_callback' }, { id: 'a2', code: 'noop' }, { id: 'a3', code: 'noop' }]));
      const v = await api.runningVersion(runId, 'a1');
      const paused = await api.op(runId, 'nodes/a2/pause');
      expect(paused.status).toBe(200);
      expect(paused.body).toMatchObject({ nodeId: 'a2', node: { state: 'SUSPENDED' } });
      expectConflict(await api.op(runId, 'nodes/a2/pause'));
      const running = await api.op(runId, 'nodes/a1/pause');
      expectConflict(running);
      expect(running.body.state).toBe('RUNNING');
      expectConflict(await api.op(runId, 'nodes/a3/resume'));

      await api.op(runId, 'nodes/a1/callback', { version: v, data: {} });
      await api.waitNode(runId, 'a1', 'FINISHED');
      await sleep(200);
      const held = await api.get(runId);
      expect(held.state).toBe('RUNNING');
      expect(held.nodes.a2.state).toBe('SUSPENDED');
      expect(held.nodes.a3).toBeUndefined();

      const resumed = await api.op(runId, 'nodes/a2/resume');
      expect(resumed.status).toBe(200);
      expect(resumed.body.node).toMatchObject({ state: 'READY' });
      const done = await api.waitState(runId, 'FINISHED');
      expect(done.nodes.a2).toMatchObject({ state: 'FINISHED', loop: 1 });
      expectConflict(await api.op(runId, 'nodes/a2/resume'));
    });

    it('appointed pause inside a sub-process', async () => {
      const runId = await api.start(branchesTree());
      expect((await api.op(runId, 'nodes/after2/pause')).status).toBe(200);
      const v1 = await api.runningVersion(runId, 'w1');
      const v2 = await api.runningVersion(runId, 'w2');
      expect((await api.op(runId, 'nodes/sp_end/pause')).status).toBe(200);
      await api.op(runId, 'nodes/w1/callback', { version: v1 });
      await api.op(runId, 'nodes/w2/callback', { version: v2 });
      await api.waitNode(runId, 'w2', 'FINISHED');
      await sleep(200);
      let run = await api.get(runId);
      expect(findNode(run.nodes, 'sp_end')?.state).toBe('SUSPENDED');
      expect(run.nodes.sp.state).toBe('RUNNING');
      expect((await api.op(runId, 'nodes/sp_end/resume')).status).toBe(200);
      run = await api.waitNode(runId, 'sp', 'FINISHED');
      await sleep(200);
      run = await api.get(runId);
      expect(run.nodes.after2.state).toBe('SUSPENDED');
      expect(run.nodes.cg).toBeUndefined();
      expect((await api.op(runId, 'nodes/after2/resume')).status).toBe(200);
      await api.waitState(runId, 'FINISHED');
    });

    it('retry a failed node, then with new inputs; histories keep each life', async () => {
      const runId = await api.start(chainTree('ops_retry', [{ id: 'a1', code: 'fail', inputs: { message: plain('nope') } }, { id: 'a2', code: 'noop' }]));
      await api.waitState(runId, 'FAILED');
      expectConflict(await api.op(runId, 'nodes/a2/retry'));

      const again = await api.op(runId, 'nodes/a1/retry');
      expect(again.status).toBe(200);
      expect(again.body.node).toMatchObject({ state: 'RUNNING', version: 2 });
      await api.waitFor(runId, (r) => r.state === 'FAILED' && r.nodes.a1.version === 2, 'second failure');

      const fixed = await api.op(runId, 'nodes/a1/retry', { inputs: { fail: false } });
      expect(fixed.status).toBe(200);
      const done = await api.waitState(runId, 'FINISHED');
      expect(done.nodes.a1).toMatchObject({ state: 'FINISHED', retries: 2, version: 3 });
      const detail = await api.node(runId, 'a1');
      expect(detail.inputs).toMatchObject({ message: 'nope', fail: false });
      expect(detail.histories.map((h) => h.kind)).toEqual(['retry', 'retry']);
      expect(detail.histories.map((h) => h.version)).toEqual([1, 2]);
      expect(detail.histories.every((h) => h.state === 'FAILED' && h.exData === 'nope')).toBe(true);
      const finished = await api.op(runId, 'nodes/a1/retry');
      expectConflict(finished);
    });

    it('retry is refused for a node that is not retryable', async () => {
      const runId = await api.start(chainTree('ops_noretry', [{ id: 'a1', code: 'fail', extra: { retryable: false } }]));
      await api.waitState(runId, 'FAILED');
      expectConflict(await api.op(runId, 'nodes/a1/retry'), 'NODE_NOT_RETRYABLE');
      await api.op(runId, 'revoke');
    });

    it('skip a failed node (only when skippable)', async () => {
      const runId = await api.start(chainTree('ops_skip', [{ id: 'a1', code: 'fail' }, { id: 'a2', code: 'fail', extra: { skippable: false } }]));
      await api.waitState(runId, 'FAILED');
      const skipped = await api.op(runId, 'nodes/a1/skip');
      expect(skipped.status).toBe(200);
      expect(skipped.body.node).toMatchObject({ state: 'FINISHED' });
      const run = await api.waitFor(runId, (r) => r.nodes.a2?.state === 'FAILED', 'a2 failed');
      expect(run.nodes.a1).toMatchObject({ state: 'FINISHED', skip: true });
      expect((await api.node(runId, 'a1')).histories.map((h) => h.kind)).toEqual(['skip']);
      expectConflict(await api.op(runId, 'nodes/a2/skip'), 'NODE_NOT_SKIPPABLE');
      expectConflict(await api.op(runId, 'nodes/a1/skip'));
      await api.op(runId, 'revoke');
    });

    it('forced fail wins over the node’s in-flight work; retry and callback with the new version', async () => {
      const runId = await api.start(chainTree('ops_ff', [{ id: 's1', code: 'sleep', inputs: { seconds: plain(0.3) } }, { id: 'w', code: 'wait_callback' }]));
      await api.waitNode(runId, 's1', 'RUNNING');
      const ff = await api.op(runId, 'nodes/s1/forced-fail', { exData: 'too slow' });
      expect(ff.status).toBe(200);
      expect(ff.body).toMatchObject({ runState: 'FAILED', node: { state: 'FAILED', version: 2 } });
      await sleep(700);
      const run = await api.get(runId);
      expect(run.nodes.s1.state).toBe('FAILED');
      expect(run.nodes.w).toBeUndefined();
      const detail = await api.node(runId, 's1');
      expect(detail.exData).toBe('too slow');
      expect(detail.histories).toEqual([expect.objectContaining({ kind: 'forced_fail', version: 1, state: 'RUNNING' })]);
      expectConflict(await api.op(runId, 'nodes/s1/forced-fail'));

      expect((await api.op(runId, 'nodes/s1/retry')).status).toBe(200);
      const v = await api.runningVersion(runId, 'w');
      expectConflict(await api.op(runId, 'nodes/w/forced-fail', { version: v + 5 }), 'STALE_VERSION');
      expect((await api.op(runId, 'nodes/w/forced-fail', { version: v })).status).toBe(200);
      expectConflict(await api.op(runId, 'nodes/w/callback', { version: v, data: {} }));
      const retried = await api.op(runId, 'nodes/w/retry');
      const v2 = retried.body.node.version as number;
      expectConflict(await api.op(runId, 'nodes/w/callback', { version: v, data: {} }), 'STALE_VERSION');
      expect((await api.op(runId, 'nodes/w/callback', { version: v2, data: { ok: 1 } })).status).toBe(200);
      await api.waitState(runId, 'FINISHED');
      expect((await api.node(runId, 'w')).outputs).toMatchObject({ ok: 1 });
    });

    it('forced fail is refused for a gateway or a node that is not running', async () => {
      const runId = await api.start(exclusiveTree(), { x: 1 });
      await api.waitState(runId, 'FINISHED');
      expectConflict(await api.op(runId, 'nodes/eg/forced-fail'));
    });

    it('callback: a stale version is refused; 20 concurrent callbacks change state once', async () => {
      const runId = await api.start(chainTree('ops_cb', [{ id: 'w', code: 'wait_callback' }, { id: 'after', code: 'noop' }]));
      const v = await api.runningVersion(runId, 'w');
      const stale = await api.op(runId, 'nodes/w/callback', { version: v + 1, data: {} });
      expectConflict(stale, 'STALE_VERSION');
      expect(stale.body).toMatchObject({ version: v, state: 'RUNNING' });
      expectConflict(await api.op(runId, 'nodes/after/callback', { version: 1 }));

      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => api.op(runId, 'nodes/w/callback', { version: v, data: { i } })));
      expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
      expect(answers.filter((r) => r.status === 409)).toHaveLength(19);
      const done = await api.waitState(runId, 'FINISHED');
      expect(done.nodes.w).toMatchObject({ state: 'FINISHED', version: v });
      const events = await api.events(runId);
      expect(events.filter((e) => e.eventType === 'node_finish' && e.nodeId === 'w')).toHaveLength(1);
      expect(events.filter((e) => e.eventType === 'post_callback')).toHaveLength(1);
    });

    it('multi_callback takes every callback, in order, each once', async () => {
      const runId = await api.start(chainTree('ops_mcb', [{ id: 'm', code: 'multi_callback', inputs: { count: plain(5) } }]));
      const v = await api.runningVersion(runId, 'm');
      const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => api.op(runId, 'nodes/m/callback', { version: v, data: { i } })));
      expect(answers.map((r) => (r.status === 200 ? 200 : r.body))).toEqual([200, 200, 200, 200, 200]);
      await api.waitState(runId, 'FINISHED');
      const out = (await api.node(runId, 'm')).outputs as { callbacks: { i: number }[]; received: number };
      expect(out.received).toBe(5);
      expect(out.callbacks.map((c) => c.i).sort()).toEqual([0, 1, 2, 3, 4]);
      expectConflict(await api.op(runId, 'nodes/m/callback', { version: v, data: {} }));
    });

    it('skip a failed exclusive gateway choosing a flow', async () => {
      const runId = await api.start(exclusiveTree(), { x: 3 });
      await api.waitState(runId, 'FAILED');
      const bad = await api.op(runId, 'nodes/eg/skip-gateway', { flowId: 'nope' });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('INVALID_FLOW');
      expectConflict(await api.op(runId, 'nodes/eg/skip'));
      const ok = await api.op(runId, 'nodes/eg/skip-gateway', { flowId: 'to_a2' });
      expect(ok.status).toBe(200);
      const done = await api.waitState(runId, 'FINISHED');
      expect(done.nodes.a2.state).toBe('FINISHED');
      expect(done.nodes.a1).toBeUndefined();
      expect(done.nodes.eg).toMatchObject({ state: 'FINISHED', skip: true });
      expectConflict(await api.op(runId, 'nodes/eg/skip-gateway', { flowId: 'to_a1' }));
    });

    it('skip a failed conditional parallel gateway choosing flows', async () => {
      const runId = await api.start(conditionalParallelTree(), { x: 3 });
      await api.waitState(runId, 'FAILED');
      expect((await api.op(runId, 'nodes/cpg/skip-gateway', { flowIds: ['to_a1', 'nope'] })).status).toBe(400);
      const ok = await api.op(runId, 'nodes/cpg/skip-gateway', { flowIds: ['to_a1', 'to_a2'] });
      expect(ok.status).toBe(200);
      const done = await api.waitState(runId, 'FINISHED');
      expect(done.nodes.a1.state).toBe('FINISHED');
      expect(done.nodes.a2.state).toBe('FINISHED');
    });

    it('retry a gateway after fixing the context it decides on', async () => {
      const runId = await api.start(exclusiveTree(), { x: 3 });
      await api.waitState(runId, 'FAILED');
      const patched = await http().patch(`${API}/runs/${runId}/context`).send({ values: { x: 1 } });
      expect(patched.status).toBe(200);
      expect((await api.op(runId, 'nodes/eg/retry')).status).toBe(200);
      const done = await api.waitState(runId, 'FINISHED');
      expect(done.nodes.a1.state).toBe('FINISHED');
      expect((await api.node(runId, 'eg')).histories.map((h) => h.kind)).toEqual(['retry']);
    });

    it('retry a sub-process after updating the context; refused while it runs or when nothing failed', async () => {
      const runId = await api.start(subprocessTree());
      await api.waitState(runId, 'FAILED');
      let run = await api.get(runId);
      expect(run.nodes.sp.state).toBe('RUNNING');
      expect(findNode(run.nodes, 'inner')?.state).toBe('FAILED');
      expectConflict(await api.op(runId, 'nodes/inner/retry-subprocess'));

      expect((await http().patch(`${API}/runs/${runId}/context`).send({ values: { flag: false } })).status).toBe(200);
      const preview = await http().get(`${API}/runs/${runId}/nodes/sp/preview`);
      expect(preview.status).toBe(200);
      expect(preview.body).toEqual({ inputs: { '${flag}': false } });

      const retried = await api.op(runId, 'nodes/sp/retry-subprocess');
      expect(retried.status).toBe(200);
      run = await api.waitState(runId, 'FINISHED');
      expect(run.nodes.sp).toMatchObject({ state: 'FINISHED', retries: 1 });
      expect(findNode(run.nodes, 'inner')?.state).toBe('FINISHED');
      expect((await api.node(runId, 'inner')).histories.map((h) => h.kind)).toEqual(['retry']);
      expectConflict(await api.op(runId, 'nodes/sp/retry-subprocess'));

      const busy = await api.start(branchesTree());
      await api.runningVersion(busy, 'w2');
      expectConflict(await api.op(busy, 'nodes/sp/retry-subprocess'));
      await api.op(busy, 'revoke');
    });

    it('preview renders a node’s inputs from the current context; context updates are refused on a finished run', async () => {
      const tree = chainTree('ops_preview', [{ id: 'w', code: 'wait_callback' }, { id: 'ec', code: 'echo', inputs: { v: { type: 'splice', value: 'x=${x}' } } }], {
        inputs: { '${x}': { type: 'plain', value: 1 } },
        outputs: [],
      });
      const runId = await api.start(tree);
      const v = await api.runningVersion(runId, 'w');
      expect((await http().get(`${API}/runs/${runId}/nodes/ec/preview`)).body).toEqual({ inputs: { v: 'x=1' } });
      await http().patch(`${API}/runs/${runId}/context`).send({ values: { '${x}': 7 } });
      expect((await http().get(`${API}/runs/${runId}/nodes/ec/preview`)).body).toEqual({ inputs: { v: 'x=7' } });
      await api.op(runId, 'nodes/w/callback', { version: v });
      await api.waitState(runId, 'FINISHED');
      expect((await api.node(runId, 'ec')).outputs).toMatchObject({ v: 'x=7' });
      expectConflict(await http().patch(`${API}/runs/${runId}/context`).send({ values: { x: 2 } }));
    });
  });

  describe('event log', () => {
    it('GET /runs/:id/events lists the run’s events in order', async () => {
      const runId = await api.start(generatedLinear(3, { id: 'ops_events' }));
      await api.waitState(runId, 'FINISHED');
      const events = await api.events(runId);
      const types = events.map((e) => e.eventType);
      expect(types[0]).toBe('pre_prepare_run_pipeline');
      expect(types[1]).toBe('post_prepare_run_pipeline');
      expect(types[types.length - 1]).toBe('pipeline_finish');
      expect(events.map((e) => e.id)).toEqual([...events.map((e) => e.id)].sort((a, b) => a - b));
      expect(types.filter((t) => t === 'node_enter')).toHaveLength(5);
      for (const e of events) {
        expect(e.data.root_pipeline_id).toBe(runId);
        expect(typeof e.time).toBe('string');
        if (e.eventType.startsWith('node_')) expect(e.data.node_id).toBe(e.nodeId);
      }
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      const page = await http().get(`${API}/runs/${runId}/events?afterSeq=${events[1].seq}&limit=2`);
      expect(page.body.map((e: { seq: number }) => e.seq)).toEqual([3, 4]);
      // `afterId` (what clients paged with before `seq`) means "after that event", in seq order.
      const legacy = await http().get(`${API}/runs/${runId}/events?afterId=${events[1].id}&limit=2`);
      expect(legacy.body.map((e: { id: number }) => e.id)).toEqual([events[2].id, events[3].id]);
      expect((await http().get(`${API}/runs/${runId}/events?afterId=${events[1].id}&afterSeq=2`)).status).toBe(400);
      const other = await api.start(generatedLinear(1, { id: 'ops_events_other' }));
      await api.waitState(other, 'FINISHED');
      const foreign = (await api.events(other))[0].id;
      expect((await http().get(`${API}/runs/${runId}/events?afterId=${foreign}`)).status).toBe(400);
    });

    it('numbers the events of parallel branches 1, 2, 3... without gaps, and a pager reading as they run misses none', async () => {
      const runId = await api.start(generatedParallel(8, 4, { id: 'ops_events_parallel' }));
      // Page on while the branches run (each page from the last seq read), until the run ends.
      const read: { id: number; seq: number }[] = [];
      const until = Date.now() + 20_000;
      for (let after = 0, finished = false; Date.now() < until; ) {
        const res = await http().get(`${API}/runs/${runId}/events?afterSeq=${after}&limit=7`);
        expect(res.status).toBe(200);
        read.push(...res.body);
        if (res.body.length) after = res.body[res.body.length - 1].seq;
        else if (finished) break;
        // Finished: one more read takes what its last transaction logged.
        else if (!(finished = (await api.get(runId)).state === 'FINISHED')) await sleep(5);
      }
      const all = await api.events(runId);
      expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
      expect(read.map((e) => e.id)).toEqual(all.map((e) => e.id));
      expect(all.filter((e) => e.eventType === 'node_enter')).toHaveLength(8 * 4 + 4);
    });
  });
}

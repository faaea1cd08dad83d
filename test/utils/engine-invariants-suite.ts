import { chainTree } from './run-trees';
import { runApi, type Http } from './run-api';

/** What the suite needs besides HTTP: raw SQL on the engine's database, and a recovery pass. */
export interface InvariantSuiteDeps {
  http: Http;
  /** Runs one statement (`?` placeholders) on the engine's database, behind the engine's back. */
  query(sql: string, params: unknown[]): Promise<unknown>;
  /** Re-dispatches lost work now (embedded), or lets the scanner's reconciler do it (distributed). */
  reconcile(): Promise<void>;
  /** How long recovery may take to pick the corrupted process up. */
  recoveryMs: number;
}

/**
 * A broken engine invariant fails the node it was met at, visibly, instead of failing the job
 * (retried into the same error, the run RUNNING forever): the node FAILED with the violation
 * in `ex_data`, a `node_execute_fail` event, the run FAILED; and operations handle it. The
 * state is corrupted by hand, as a bad restore or a bug would leave it. Both modes run it.
 */
export function engineInvariantSuite(deps: () => InvariantSuiteDeps): void {
  it('fails a node entered again while its row is still RUNNING, and the operator can skip it', async () => {
    const { http, query, reconcile, recoveryMs } = deps();
    const api = runApi(http);
    const runId = await api.start(chainTree('invariant_enter', [{ id: 'w', code: 'wait_callback' }, { id: 'after', code: 'noop' }]));
    await api.waitNode(runId, 'w', 'RUNNING');
    // The process that runs `w` is put back before it, as if `w` had never been entered: its
    // next step enters a node whose row is RUNNING, which the transition table forbids.
    await query("UPDATE `run_process` SET `state` = 'ACTIVE', `rev` = `rev` + 1 WHERE `run_id` = ? AND `current_node_id` = ?", [runId, 'w']);
    await reconcile();

    const run = await api.waitState(runId, 'FAILED', recoveryMs);
    expect(run.nodes.w.state).toBe('FAILED');
    expect(run.nodes.after).toBeUndefined();
    const w = await api.node(runId, 'w');
    expect(w.exData).toEqual(expect.stringContaining('engine invariant violated (ENGINE_INVARIANT)'));
    expect(w.exData).toEqual(expect.stringContaining("node 'w': cannot enter a node that is RUNNING"));
    const fails = (await api.events(runId)).filter((e) => e.eventType === 'node_execute_fail');
    expect(fails).toEqual([expect.objectContaining({ nodeId: 'w', data: expect.objectContaining({ ex_data: w.exData }) })]);

    const skipped = await api.op(runId, 'nodes/w/skip');
    expect(skipped.status).toBe(200);
    const done = await api.waitState(runId, 'FINISHED');
    expect(done.nodes.w).toMatchObject({ state: 'FINISHED', skip: true });
    expect(done.nodes.after.state).toBe('FINISHED');
  }, 30_000);

  it('fails a branch that reaches its converge gateway with no parent process, and the operator can revoke the run', async () => {
    const { http, query, reconcile, recoveryMs } = deps();
    const api = runApi(http);
    const runId = await api.start(parallelTree());
    await api.waitNode(runId, 'w', 'RUNNING');
    // `b` has joined; `w`'s branch loses its parent, then reaches the converge gateway.
    await api.waitNode(runId, 'b', 'FINISHED');
    await query("UPDATE `run_process` SET `parent_id` = NULL, `state` = 'ACTIVE', `current_node_id` = 'cg', `rev` = `rev` + 1 WHERE `run_id` = ? AND `current_node_id` = ?", [runId, 'w']);
    await reconcile();

    const run = await api.waitState(runId, 'FAILED', recoveryMs);
    expect(run.nodes.cg.state).toBe('FAILED');
    const cg = await api.node(runId, 'cg');
    expect(cg.exData).toEqual(expect.stringMatching(/^engine invariant violated \(ENGINE_INVARIANT\): process '.+' has a destination but no parent$/));
    expect((await api.op(runId, 'revoke')).status).toBe(200);
    expect((await api.get(runId)).state).toBe('REVOKED');
  }, 30_000);

  /** start → pg → (w: wait_callback | b: noop) → cg → end */
  function parallelTree() {
    return {
      id: 'invariant_join',
      start_event: { id: 's', type: 'EmptyStartEvent', incoming: '', outgoing: 'f1' },
      end_event: { id: 'e', type: 'EmptyEndEvent', incoming: ['f7'], outgoing: '' },
      activities: {
        w: { id: 'w', type: 'ServiceActivity', incoming: ['f2'], outgoing: 'f4', component: { code: 'wait_callback', inputs: {} } },
        b: { id: 'b', type: 'ServiceActivity', incoming: ['f3'], outgoing: 'f5', component: { code: 'noop', inputs: {} } },
      },
      gateways: {
        pg: { id: 'pg', type: 'ParallelGateway', incoming: ['f1'], outgoing: ['f2', 'f3'] },
        cg: { id: 'cg', type: 'ConvergeGateway', incoming: ['f4', 'f5'], outgoing: 'f7' },
      },
      flows: {
        f1: { id: 'f1', source: 's', target: 'pg' },
        f2: { id: 'f2', source: 'pg', target: 'w' },
        f3: { id: 'f3', source: 'pg', target: 'b' },
        f4: { id: 'f4', source: 'w', target: 'cg' },
        f5: { id: 'f5', source: 'b', target: 'cg' },
        f7: { id: 'f7', source: 'cg', target: 'e' },
      },
      data: { inputs: {}, outputs: [] },
    };
  }
}

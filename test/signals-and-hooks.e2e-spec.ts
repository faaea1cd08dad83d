import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import {
  ComponentData,
  ENGINE_EVENT_TYPES,
  PIPELINE_EVENT,
  PipelineComponent,
  Service,
  TreeBuilder,
  type ParentData,
  type PipelineEventPayload,
  type PipelineTree,
  type ScheduleType,
  type ServiceHookName,
} from '@app/pipeline';
import { startEmbeddedApp, type EmbeddedApp } from './utils/embedded-app';
import { chainTree, plain } from './utils/run-trees';
import { API, findNode, runApi, sleep } from './utils/run-api';

/**
 * DESIGN §6 end to end (embedded mode): every event type is emitted through EventEmitter2
 * with the seed's data keys and matches the run's event log; a component with
 * `needRunHook` gets every hook; read-only hooks cannot change saved outputs; a listener
 * that throws does not break the engine.
 */

/** Every `pipeline.event` emitted in this process, and every hook call, in order. */
const emitted: PipelineEventPayload[] = [];
const perType = new Map<string, number>();
const hookCalls: { hook: ServiceHookName; nodeId: string; runId: string }[] = [];

@Injectable()
class EventCollector {
  @OnEvent(PIPELINE_EVENT)
  collect(payload: PipelineEventPayload): void {
    emitted.push(payload);
  }

  @OnEvent(`${PIPELINE_EVENT}.*`)
  never(): void {
    // Wildcards are off: `pipeline.event.<type>` is a plain name, not a pattern.
  }

  @OnEvent(`${PIPELINE_EVENT}.node_finish`)
  perTypeListener(payload: PipelineEventPayload): void {
    perType.set(payload.eventType, (perType.get(payload.eventType) ?? 0) + 1);
  }

  /** User code that fails: the engine must not care. */
  @OnEvent(PIPELINE_EVENT)
  explode(): void {
    throw new Error('listener failure (expected by the test)');
  }

  @OnEvent(PIPELINE_EVENT, { async: true })
  async explodeLater(): Promise<void> {
    throw new Error('async listener failure (expected by the test)');
  }
}

/**
 * A callback component that records each hook. Saved hooks write an output named after
 * themselves; read-only hooks try to write `tampered` (which must never be saved).
 * Inputs: `throw_in_execute`, `fail_in_execute`; callback data `{throw: true}` / `{fail: true}`.
 */
@PipelineComponent({ code: 'hooked', name: 'hooked (test)' })
class HookedComponent extends Service {
  override readonly scheduleType: ScheduleType = 'callback';
  override readonly needRunHook = true;

  execute(data: ComponentData): boolean {
    if (data.getInput('throw_in_execute')) throw new Error('execute exploded');
    if (data.getInput('fail_in_execute')) {
      data.setOutput('ex_data', 'execute said no');
      return false;
    }
    return true;
  }

  override schedule(data: ComponentData, _p: ParentData, callbackData?: unknown): boolean {
    const cb = (callbackData ?? {}) as { throw?: boolean; fail?: boolean };
    if (cb.throw) throw new Error('schedule exploded');
    if (cb.fail) return false;
    this.finishSchedule(data);
    return true;
  }

  private record(hook: ServiceHookName, data: ComponentData, p: ParentData, saved: boolean): void {
    hookCalls.push({ hook, nodeId: p.nodeId, runId: p.runId });
    if (saved) data.setOutput(`hook_${hook}`, true);
    else data.setOutput('tampered', hook);
  }

  override nodeEnter(d: ComponentData, p: ParentData) { this.record('nodeEnter', d, p, true); }
  override nodeFinish(d: ComponentData, p: ParentData) { this.record('nodeFinish', d, p, true); }
  override nodeExecuteFail(d: ComponentData, p: ParentData) { this.record('nodeExecuteFail', d, p, true); }
  override nodeScheduleFail(d: ComponentData, p: ParentData) { this.record('nodeScheduleFail', d, p, true); }
  override nodeExecuteException(d: ComponentData, p: ParentData) { this.record('nodeExecuteException', d, p, true); }
  override nodeScheduleException(d: ComponentData, p: ParentData) { this.record('nodeScheduleException', d, p, true); }
  override preResumeNode(d: ComponentData, p: ParentData) { this.record('preResumeNode', d, p, false); }
  override postResumeNode(d: ComponentData, p: ParentData) { this.record('postResumeNode', d, p, false); }
  override prePauseNode(d: ComponentData, p: ParentData) { this.record('prePauseNode', d, p, false); }
  override postPauseNode(d: ComponentData, p: ParentData) { this.record('postPauseNode', d, p, false); }
  override preRetryNode(d: ComponentData, p: ParentData) { this.record('preRetryNode', d, p, false); }
  override postRetryNode(d: ComponentData, p: ParentData) { this.record('postRetryNode', d, p, false); }
  override preSkipNode(d: ComponentData, p: ParentData) { this.record('preSkipNode', d, p, false); }
  override postSkipNode(d: ComponentData, p: ParentData) { this.record('postSkipNode', d, p, false); }
  override preForcedFailActivity(d: ComponentData, p: ParentData) { this.record('preForcedFailActivity', d, p, false); }
  override postForcedFailActivity(d: ComponentData, p: ParentData) { this.record('postForcedFailActivity', d, p, false); }
  override preCallback(d: ComponentData, p: ParentData) { this.record('preCallback', d, p, false); }
}

/** The seed's data keys of each event type (bamboo's pipeline_event docs). */
const SEED_KEYS: Record<string, string[]> = {
  pre_prepare_run_pipeline: ['pipeline', 'root_pipeline_data', 'root_pipeline_context', 'subprocess_context'],
  post_prepare_run_pipeline: ['pipeline', 'root_pipeline_data', 'root_pipeline_context', 'subprocess_context'],
  pre_pause_pipeline: ['pipeline_id'],
  post_pause_pipeline: ['pipeline_id'],
  pre_revoke_pipeline: ['pipeline_id'],
  post_revoke_pipeline: ['pipeline_id'],
  pre_resume_pipeline: ['pipeline_id'],
  post_resume_pipeline: ['pipeline_id'],
  pre_resume_node: ['node_id'],
  post_resume_node: ['node_id'],
  pre_pause_node: ['node_id'],
  post_pause_node: ['node_id'],
  pre_retry_node: ['node_id', 'data'],
  post_retry_node: ['node_id', 'data'],
  pre_skip_node: ['node_id'],
  post_skip_node: ['node_id'],
  pre_skip_exclusive_gateway: ['node_id', 'flow_id'],
  post_skip_exclusive_gateway: ['node_id', 'flow_id'],
  pre_skip_conditional_parallel_gateway: ['node_id', 'flow_ids', 'converge_gateway_id'],
  post_skip_conditional_parallel_gateway: ['node_id', 'flow_ids', 'converge_gateway_id'],
  pre_forced_fail_activity: ['node_id', 'ex_data'],
  post_forced_fail_activity: ['node_id', 'ex_data', 'old_version', 'new_version'],
  pre_callback: ['node_id', 'version', 'data'],
  post_callback: ['node_id', 'version', 'data'],
  pre_retry_subprocess: ['node_id'],
  post_retry_subprocess: ['node_id'],
  node_execute_exception: ['root_pipeline_id', 'node_id', 'ex_data'],
  node_schedule_exception: ['root_pipeline_id', 'node_id', 'ex_data'],
  node_execute_fail: ['root_pipeline_id', 'node_id'],
  node_schedule_fail: ['root_pipeline_id', 'node_id'],
  node_enter: ['root_pipeline_id', 'node_id'],
  node_finish: ['root_pipeline_id', 'node_id'],
  pipeline_finish: ['root_pipeline_id', 'node_id'],
  node_timeout: ['root_pipeline_id', 'node_id', 'version', 'timeout', 'seconds', 'ex_data'],
  pipeline_timeout: ['root_pipeline_id', 'pipeline_id', 'deadline'],
};

function gatewayTree(id: string, type: 'ExclusiveGateway' | 'ConditionalParallelGateway'): PipelineTree {
  const b = new TreeBuilder(id).start().end().activity('a1').activity('a2').gateway('gw', type);
  b.flow('start', 'gw');
  b.flow('gw', 'a1', { id: 'to_a1', condition: '1 == 0' });
  b.flow('gw', 'a2', { id: 'to_a2', condition: '1 == 0' });
  if (type === 'ExclusiveGateway') {
    b.chain('a1', 'end');
    b.chain('a2', 'end');
  } else {
    b.gateway('cg', 'ConvergeGateway');
    b.chain('a1', 'cg');
    b.chain('a2', 'cg', 'end');
  }
  return b.build();
}

function subprocessTree(): PipelineTree {
  const inner = new TreeBuilder('sp', { flowPrefix: 'sf' }).start('sp_start').end('sp_end').activity('inner', 'fail', { fail: { type: 'splice', value: '${flag}' } });
  inner.chain('sp_start', 'inner', 'sp_end');
  inner.variable('${flag}', { type: 'plain', value: true });
  const b = new TreeBuilder('sig_sp').start().end().subProcess('sp', inner.build(), { '${flag}': { type: 'splice', value: '${flag}' } });
  b.chain('start', 'sp', 'end');
  b.variable('${flag}', { type: 'plain', value: true });
  return b.build();
}

describe('signals and hooks (embedded, PIPELINE_EVENT_SIGNALS_ENABLED=true)', () => {
  let app: EmbeddedApp;
  const api = runApi(() => app.http());
  const runs: string[] = [];
  const start = async (tree: unknown, inputs: Record<string, unknown> = {}) => {
    const id = await api.start(tree, inputs);
    runs.push(id);
    return id;
  };

  beforeAll(async () => {
    app = await startEmbeddedApp(
      { PIPELINE_EVENT_SIGNALS_ENABLED: 'true', PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL: '0.1' },
      { providers: [EventCollector, HookedComponent] },
    );

    // 6. (started first, they run out while the rest goes on) DESIGN §8.3: a running timeout, a run timeout.
    // (Listed in `runs` last: the cases below read the others by position.)
    const nodeTimeout = await api.start(chainTree('sig_node_timeout', [{ id: 'nt', code: 'wait_callback', extra: { timeout: { runningSeconds: 1 } } }]));
    const res = await app.http().post(`${API}/runs`).send({ definition: chainTree('sig_run_timeout', [{ id: 'rt', code: 'wait_callback' }]), timeoutSeconds: 1 });
    const runTimeout = res.body.id as string;

    // 1. hooks on the happy path, pause/resume node, pause/resume run, callback, pipeline finish.
    const happy = await start(chainTree('sig_happy', [{ id: 'h1', code: 'hooked' }, { id: 'h2', code: 'hooked' }]));
    const v1 = await api.runningVersion(happy, 'h1');
    expect((await api.op(happy, 'nodes/h2/pause')).status).toBe(200);
    expect((await api.op(happy, 'pause')).status).toBe(200);
    expect((await api.op(happy, 'resume')).status).toBe(200);
    expect((await api.op(happy, 'nodes/h1/callback', { version: v1, data: { ok: true } })).status).toBe(200);
    await api.waitNode(happy, 'h1', 'FINISHED');
    expect((await api.op(happy, 'nodes/h2/resume')).status).toBe(200);
    const v2 = await api.runningVersion(happy, 'h2');
    expect((await api.op(happy, 'nodes/h2/callback', { version: v2, data: {} })).status).toBe(200);
    await api.waitState(happy, 'FINISHED');

    // 2. execute throws → exception + fail; retry; forced fail; skip.
    const broken = await start(chainTree('sig_broken', [{ id: 'x', code: 'hooked', inputs: { throw_in_execute: plain(true) } }]));
    await api.waitState(broken, 'FAILED');
    expect((await api.op(broken, 'nodes/x/retry', { inputs: { throw_in_execute: false } })).status).toBe(200);
    const vx = await api.runningVersion(broken, 'x');
    expect((await api.op(broken, 'nodes/x/forced-fail', { exData: 'stop', version: vx })).status).toBe(200);
    expect((await api.op(broken, 'nodes/x/skip')).status).toBe(200);
    await api.waitState(broken, 'FINISHED');

    // 3. schedule throws, then fails (callbacks with throw / fail), and execute returns false.
    const sched = await start(chainTree('sig_sched', [{ id: 'sc', code: 'hooked' }]));
    const vs = await api.runningVersion(sched, 'sc');
    expect((await api.op(sched, 'nodes/sc/callback', { version: vs, data: { throw: true } })).status).toBe(200);
    await api.waitState(sched, 'FAILED');
    expect((await api.op(sched, 'nodes/sc/retry')).status).toBe(200);
    const vs2 = await api.runningVersion(sched, 'sc');
    await api.waitFor(sched, (r) => r.nodes.sc.version === vs2 && r.state === 'RUNNING');
    expect((await api.op(sched, 'nodes/sc/callback', { version: vs2, data: { fail: true } })).status).toBe(200);
    await api.waitFor(sched, (r) => r.state === 'FAILED' && r.nodes.sc.version === vs2);
    expect((await api.op(sched, 'nodes/sc/retry', { inputs: { fail_in_execute: true } })).status).toBe(200);
    await api.waitFor(sched, (r) => r.state === 'FAILED' && r.nodes.sc.version === vs2 + 1);
    expect((await api.op(sched, 'revoke')).status).toBe(200);

    // 4. an error-ignoring hooked node: exception hook yes, fail hook and fail event no.
    const ignoring = await start(chainTree('sig_ignore', [{ id: 'ig', code: 'hooked', inputs: { throw_in_execute: plain(true) }, extra: { error_ignorable: true } }]));
    await api.waitState(ignoring, 'FINISHED');

    // 5. gateways skipped, sub-process retried.
    const eg = await start(gatewayTree('sig_eg', 'ExclusiveGateway'));
    await api.waitState(eg, 'FAILED');
    expect((await api.op(eg, 'nodes/gw/skip-gateway', { flowId: 'to_a1' })).status).toBe(200);
    await api.waitState(eg, 'FINISHED');
    const cpg = await start(gatewayTree('sig_cpg', 'ConditionalParallelGateway'));
    await api.waitState(cpg, 'FAILED');
    expect((await api.op(cpg, 'nodes/gw/skip-gateway', { flowIds: ['to_a1', 'to_a2'] })).status).toBe(200);
    await api.waitState(cpg, 'FINISHED');
    const sp = await start(subprocessTree());
    await api.waitState(sp, 'FAILED');
    await app.http().patch(`${API}/runs/${sp}/context`).send({ values: { flag: false } }).expect(200);
    expect((await api.op(sp, 'nodes/sp/retry-subprocess')).status).toBe(200);
    await api.waitState(sp, 'FINISHED');
    await api.waitState(nodeTimeout, 'FAILED');
    await api.waitState(runTimeout, 'REVOKED');
    runs.push(nodeTimeout, runTimeout);
    await sleep(100);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
  });

  it.each([...ENGINE_EVENT_TYPES])('emits %s with the seed data keys', (type) => {
    const events = emitted.filter((e) => e.eventType === type);
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) {
      for (const key of SEED_KEYS[type]) expect(e.data).toHaveProperty(key);
      expect(runs).toContain(e.data.root_pipeline_id);
    }
  });

  it('emits each event also as pipeline.event.<type>', () => {
    expect(perType.get('node_finish')).toBe(emitted.filter((e) => e.eventType === 'node_finish').length);
  });

  it('logs exactly the emitted events, in the same transaction as each change (GET /runs/:id/events)', async () => {
    for (const runId of runs) {
      const logged = (await api.events(runId)).map((e) => JSON.stringify({ t: e.eventType, d: e.data }));
      const sent = emitted.filter((e) => e.data.root_pipeline_id === runId).map((e) => JSON.stringify({ t: e.eventType, d: e.data }));
      expect(logged.sort()).toEqual(sent.sort());
    }
  });

  it('tags each signal with its run; the log numbers the same events 1, 2, 3... when read', async () => {
    for (const runId of runs) {
      const logged = await api.events(runId);
      const sent = emitted.filter((e) => e.runId === runId);
      expect(sent.length).toBe(logged.length);
      expect(sent.every((e) => e.data.root_pipeline_id === runId)).toBe(true);
      // Events are numbered after they commit (issue 16): only the run's creation, which no other
      // writer can interleave with, numbers its events up front; a seq a signal does carry must be
      // the position the log gives that same event.
      const numbered = sent.filter((e) => e.seq !== undefined);
      for (const e of numbered) {
        const at = logged.find((l) => l.seq === e.seq);
        expect({ t: at?.eventType, d: at?.data }).toEqual({ t: e.eventType, d: e.data });
      }
      expect(sent.length - numbered.length).toBeGreaterThan(0);
      expect(logged.map((e) => e.seq)).toEqual(logged.map((_, i) => i + 1));
    }
  });

  it('fires every hook of a component with needRunHook', () => {
    const fired = new Set(hookCalls.map((c) => c.hook));
    const all: ServiceHookName[] = [
      'nodeEnter', 'nodeFinish', 'nodeExecuteFail', 'nodeScheduleFail', 'nodeExecuteException', 'nodeScheduleException',
      'preResumeNode', 'postResumeNode', 'prePauseNode', 'postPauseNode', 'preRetryNode', 'postRetryNode',
      'preSkipNode', 'postSkipNode', 'preForcedFailActivity', 'postForcedFailActivity', 'preCallback',
    ];
    for (const hook of all) expect(fired).toContain(hook);
  });

  it('saves outputs set in node hooks, never those set in read-only hooks', async () => {
    const h1 = await api.node(runs[0], 'h1');
    expect(h1.outputs).toMatchObject({ hook_nodeEnter: true, hook_nodeFinish: true });
    const x = await api.node(runs[1], 'x');
    for (const h of x.histories) expect(h.outputs ?? {}).not.toHaveProperty('tampered');
    expect(x.histories[0].outputs).toMatchObject({ hook_nodeEnter: true, hook_nodeExecuteException: true, hook_nodeExecuteFail: true });
    const s = await api.node(runs[2], 'sc');
    expect(s.histories[0].outputs).toMatchObject({ hook_nodeScheduleException: true, hook_nodeScheduleFail: true });
    for (const runId of runs) {
      const run = await api.get(runId);
      for (const nodeId of ['h1', 'h2', 'x', 'sc', 'ig']) {
        if (!findNode(run.nodes, nodeId)) continue;
        const detail = await api.node(runId, nodeId);
        expect(detail.outputs ?? {}).not.toHaveProperty('tampered');
      }
    }
  });

  it('does not fire node*Fail hooks nor fail events for a node that ignores errors', async () => {
    const ignoring = runs[3];
    expect(hookCalls.filter((c) => c.runId === ignoring).map((c) => c.hook)).toEqual(['nodeEnter', 'nodeExecuteException', 'nodeFinish']);
    const types = (await api.events(ignoring)).map((e) => e.eventType);
    expect(types).toContain('node_execute_exception');
    expect(types).not.toContain('node_execute_fail');
    expect((await api.get(ignoring)).nodes.ig).toMatchObject({ state: 'FINISHED', errorIgnored: true });
  });
});

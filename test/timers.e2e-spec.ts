import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { NodeTimeoutRuntime } from '@app/node-timeout';
import {
  BaseAction,
  NodeTimerEventRuntime,
  TimerEventAction,
  type TimerActionEvent,
} from '@app/node-timer-event';
import type { ComponentData, ParentData, PoolEntry } from '@app/pipeline';
import { Injectable } from '@nestjs/common';
import { startEmbeddedApp, type EmbeddedApp } from './utils/embedded-app';
import { API, findNode, runApi, sleep } from './utils/run-api';
import {
  chainTree,
  sleepStep,
  subprocessTree,
  timerEvent,
  waitWithTimeout,
  waitWithTimers,
} from './utils/timer-trees';

/**
 * DESIGN §7 end to end in embedded mode (one process: in-process pools, queues and scanner):
 * timeouts and timer events fire through the REST-visible engine state, cycles count, nodes
 * that finish in time are left alone, validation and the config endpoints, and a restart that
 * rebuilds the pools from the database. Durations are fractions of a second and the scan
 * interval is short; timing precision is the benchmark's business (`npm run bench:timers`).
 */

/** Every firing of the test action, in order. */
const firings: TimerActionEvent[] = [];

/** The README's example: a user action, declared as a provider of any module. */
@Injectable()
@TimerEventAction('example')
class ExampleAction extends BaseAction {
  do(_data: ComponentData, _parentData: ParentData, event: TimerActionEvent): boolean {
    firings.push(event);
    return true;
  }
}

const firingsOf = (runId: string) => firings.filter((f) => f.runId === runId);

jest.setTimeout(30_000);

describe('timers (embedded mode)', () => {
  let app: EmbeddedApp;
  let api: ReturnType<typeof runApi>;
  const env = { PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL: '0.05' };

  beforeAll(async () => {
    app = await startEmbeddedApp(env, { providers: [ExampleAction] });
    api = runApi(() => app.http());
  });

  afterAll(async () => {
    await app?.close();
  });

  const timeouts = () => app.app.get(NodeTimeoutRuntime);
  const timerEvents = () => app.app.get(NodeTimerEventRuntime);
  const armedFor = async (runtime: { armedEntries(): Promise<PoolEntry[]> }, runId: string) =>
    (await runtime.armedEntries()).filter((e) => e.member.includes(encodeURIComponent(runId)));

  async function callback(runId: string, nodeId: string): Promise<void> {
    const version = await api.runningVersion(runId, nodeId);
    const res = await api.op(runId, `nodes/${nodeId}/callback`, { version, data: { ok: true } });
    expect(res.status).toBe(200);
  }

  describe('node-timeout', () => {
    it('forced_fail: a node running longer than its timeout fails, and the run stops there', async () => {
      const runId = await api.start(
        chainTree('t-fail', [waitWithTimeout('a', 0.3), { id: 'b', code: 'noop' }]),
      );
      const run = await api.waitState(runId, 'FAILED', 10_000);
      expect(findNode(run.nodes, 'a')?.state).toBe('FAILED');
      expect(findNode(run.nodes, 'b')).toBeUndefined();
      const node = await api.node(runId, 'a');
      expect(String(node.exData)).toMatch(/timeout of 0.3 s/);
      expect(await armedFor(timeouts(), runId)).toEqual([]);
    });

    it('forced_fail_and_skip: the node fails, is skipped, and the run goes on to the end', async () => {
      const runId = await api.start(
        chainTree('t-skip', [
          waitWithTimeout('a', 0.3, 'forced_fail_and_skip'),
          { id: 'b', code: 'noop' },
        ]),
      );
      const run = await api.waitState(runId, 'FINISHED', 10_000);
      expect(findNode(run.nodes, 'a')).toMatchObject({ state: 'FINISHED', skip: true });
      expect(findNode(run.nodes, 'b')?.state).toBe('FINISHED');
      const types = (await api.events(runId)).map((e) => e.eventType);
      expect(types).toEqual(
        expect.arrayContaining(['post_forced_fail_activity', 'post_skip_node', 'pipeline_finish']),
      );
    });

    it('a node that finishes in time is never touched later, and its entry leaves the pool', async () => {
      const runId = await api.start(
        chainTree('t-in-time', [
          sleepStep('a', 0.1, {
            timeout_config: { enable: true, action: 'forced_fail', seconds: 0.6 },
          }),
        ]),
      );
      await api.waitState(runId, 'FINISHED', 10_000);
      expect(await armedFor(timeouts(), runId)).toEqual([]);
      await sleep(900);
      const run = await api.get(runId);
      expect(run.state).toBe('FINISHED');
      expect(findNode(run.nodes, 'a')).toMatchObject({ state: 'FINISHED', version: 1 });
      const types = (await api.events(runId)).map((e) => e.eventType);
      expect(types).not.toContain('pre_forced_fail_activity');
      expect((await api.node(runId, 'a')).histories).toEqual([]);
    });

    it('covers nodes inside sub-processes', async () => {
      const runId = await api.start(
        subprocessTree('t-sub', [waitWithTimeout('inner', 0.3, 'forced_fail_and_skip')]),
      );
      const run = await api.waitState(runId, 'FINISHED', 10_000);
      expect(findNode(run.nodes, 'inner')).toMatchObject({ state: 'FINISHED', skip: true });
      expect(findNode(run.nodes, 'after')?.state).toBe('FINISHED');
    });

    it('a retried node gets a new timeout for its new life', async () => {
      const runId = await api.start(chainTree('t-retry', [waitWithTimeout('a', 0.3)]));
      await api.waitState(runId, 'FAILED', 10_000);
      expect((await api.op(runId, 'nodes/a/retry')).status).toBe(200);
      await api.waitFor(
        runId,
        (r) => findNode(r.nodes, 'a')?.state === 'FAILED' && findNode(r.nodes, 'a')!.retries === 1,
        'second timeout',
        10_000,
      );
      const histories = (await api.node(runId, 'a')).histories.map((h) => h.kind);
      expect(histories).toContain('retry');
    });
  });

  describe('node-timer-event', () => {
    it('a time_cycle Rn fires n times, counting each firing, while the node stays RUNNING', async () => {
      const runId = await api.start(
        chainTree('c-n', [
          waitWithTimers('a', [timerEvent('time_cycle', 'R3/PT0.15S', 'example')]),
        ]),
      );
      const until = Date.now() + 10_000;
      while (firingsOf(runId).length < 3 && Date.now() < until) await sleep(25);
      await sleep(500);
      const mine = firingsOf(runId);
      expect(mine.map((f) => f.firedCount)).toEqual([1, 2, 3]);
      expect(
        mine.every(
          (f) =>
            f.nodeId === 'a' && f.version === 1 && f.index === 1 && f.timerType === 'time_cycle',
        ),
      ).toBe(true);
      // Each due time from the previous one: exactly the period apart, whenever they fired.
      expect(mine[1].dueAt - mine[0].dueAt).toBe(150);
      expect(mine[2].dueAt - mine[1].dueAt).toBe(150);
      expect((await api.get(runId)).state).toBe('RUNNING');
      expect(await armedFor(timerEvents(), runId)).toEqual([]);
      await callback(runId, 'a');
      await api.waitState(runId, 'FINISHED');
    });

    it('an unbounded time_cycle stops when the node leaves RUNNING', async () => {
      const runId = await api.start(
        chainTree('c-inf', [
          waitWithTimers('a', [timerEvent('time_cycle', 'R/PT0.1S', 'example')]),
        ]),
      );
      const until = Date.now() + 10_000;
      while (firingsOf(runId).length < 3 && Date.now() < until) await sleep(25);
      expect(firingsOf(runId).length).toBeGreaterThanOrEqual(3);
      await callback(runId, 'a');
      await api.waitState(runId, 'FINISHED');
      const count = firingsOf(runId).length;
      await sleep(500);
      expect(firingsOf(runId).length).toBe(count);
      expect(await armedFor(timerEvents(), runId)).toEqual([]);
      expect(firingsOf(runId).map((f) => f.firedCount)).toEqual(
        Array.from({ length: count }, (_, i) => i + 1),
      );
    });

    it('a time_date in the past fires at once (with an offset, and with a [Region/City] zone)', async () => {
      const started = Date.now();
      const runId = await api.start(
        chainTree('d-past', [
          waitWithTimers('a', [
            timerEvent('time_date', '2019-10-02T08:09:40+02:00[Europe/Berlin]', 'example'),
            timerEvent('time_date', '2019-10-01T12:00:00Z', 'bamboo_engine_forced_fail'),
          ]),
        ]),
      );
      const run = await api.waitState(runId, 'FAILED', 10_000);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(findNode(run.nodes, 'a')?.state).toBe('FAILED');
      expect(String((await api.node(runId, 'a')).exData)).toMatch(/forced fail by bamboo_engine/);
    });

    it('a time_duration with bamboo_engine_forced_fail_and_skip lets the run go on', async () => {
      const runId = await api.start(
        chainTree('d-skip', [
          waitWithTimers('a', [
            timerEvent('time_duration', 'PT0.3S', 'bamboo_engine_forced_fail_and_skip'),
          ]),
          { id: 'b', code: 'noop' },
        ]),
      );
      const run = await api.waitState(runId, 'FINISHED', 10_000);
      expect(findNode(run.nodes, 'a')).toMatchObject({ state: 'FINISHED', skip: true });
    });

    it('leaves disabled events alone and gives the action the node data', async () => {
      const runId = await api.start(
        chainTree('d-data', [
          {
            id: 'a',
            code: 'wait_callback',
            inputs: { who: { type: 'plain', value: 'me' } },
            extra: {
              events: {
                timer_events: [
                  {
                    ...timerEvent('time_duration', 'PT0.05S', 'bamboo_engine_forced_fail'),
                    enable: false,
                  },
                  timerEvent('time_duration', 'PT0.1S', 'example'),
                ],
              },
            },
          },
        ]),
      );
      const until = Date.now() + 10_000;
      while (firingsOf(runId).length < 1 && Date.now() < until) await sleep(25);
      await sleep(300);
      expect(firingsOf(runId)).toHaveLength(1);
      // The seed numbers enabled events only.
      expect(firingsOf(runId)[0]).toMatchObject({
        index: 1,
        timerType: 'time_duration',
        defined: 'PT0.1S',
        firedCount: 1,
      });
      expect((await api.get(runId)).state).toBe('RUNNING');
      await api.op(runId, 'revoke');
    });
  });

  describe('validation', () => {
    const build = (definition: unknown) =>
      app.http().post(`${API}/pipelines`).send({ name: 'timers', definition });

    it('refuses bad timer definitions (INVALID_TIMER) and unknown actions (UNKNOWN_ACTION), every problem at once', async () => {
      const tree = chainTree('v-bad', [
        waitWithTimers('a', [
          timerEvent('time_duration', 'P1X', 'example'),
          timerEvent('time_cycle', 'R0/PT1S', 'example'),
          timerEvent('time_date', '2019-10-01T12:00:00', 'example'),
          timerEvent('time_duration', 'PT1S', 'no_such_action'),
        ]),
        waitWithTimeout('b', 5, 'no_such_strategy'),
      ]);
      const res = await build(tree).expect(400);
      expect(res.body.code).toBe('INVALID_TREE');
      const details = res.body.details as { code: string; nodeId: string; path: string }[];
      expect(details.filter((d) => d.code === 'INVALID_TIMER').map((d) => d.path)).toEqual([
        'activities.a.events.timer_events.0.defined',
        'activities.a.events.timer_events.1.defined',
        'activities.a.events.timer_events.2.defined',
      ]);
      expect(
        details.filter((d) => d.code === 'UNKNOWN_ACTION').map((d) => [d.nodeId, d.path]),
      ).toEqual([
        ['a', 'activities.a.events.timer_events.3.action'],
        ['b', 'activities.b.timeout_config.action'],
      ]);
      // A one-shot run of an inline tree is refused the same way.
      const inline = await app.http().post(`${API}/runs`).send({ definition: tree }).expect(400);
      expect(inline.body.details).toEqual(res.body.details);
    });

    it('checks timers inside sub-processes too', async () => {
      const res = await build(
        subprocessTree('v-sub', [
          waitWithTimers('inner', [timerEvent('time_cycle', 'R/PT0S', 'example')]),
        ]),
      ).expect(400);
      expect(res.body.details).toEqual([
        expect.objectContaining({
          code: 'INVALID_TIMER',
          nodeId: 'inner',
          path: 'activities.sub.pipeline.activities.inner.events.timer_events.0.defined',
        }),
      ]);
    });
  });

  describe('PUT /pipelines/:id/node-timeouts and /node-timer-events', () => {
    async function createPipeline(): Promise<string> {
      const res = await app
        .http()
        .post(`${API}/pipelines`)
        .send({
          name: 'configurable',
          definition: chainTree('cfg', [
            { id: 'a', code: 'wait_callback' },
            { id: 'b', code: 'noop' },
          ]),
        });
      expect(res.status).toBe(201);
      return res.body.id as string;
    }

    it('applies timeout configs as a new version; runs of it time out', async () => {
      const id = await createPipeline();
      const res = await app
        .http()
        .put(`${API}/pipelines/${id}/node-timeouts`)
        .send({ a: { enable: true, action: 'forced_fail_and_skip', seconds: 0.3 } })
        .expect(200);
      expect(res.body.version).toBe(2);
      expect(res.body.definition.activities.a.timeout_config).toEqual({
        enable: true,
        action: 'forced_fail_and_skip',
        seconds: 0.3,
      });
      // Version 1 is untouched.
      const v1 = await app.http().get(`${API}/pipelines/${id}?version=1`).expect(200);
      expect(v1.body.definition.activities.a.timeout_config).toBeUndefined();
      const run = await app.http().post(`${API}/pipelines/${id}/runs`).send({}).expect(201);
      const done = await api.waitState(run.body.id, 'FINISHED', 10_000);
      expect(findNode(done.nodes, 'a')).toMatchObject({ skip: true });
    });

    it('applies timer event configs as a new version; runs of it fire them', async () => {
      const id = await createPipeline();
      const res = await app
        .http()
        .put(`${API}/pipelines/${id}/node-timer-events`)
        .send({ a: [timerEvent('time_duration', 'PT0.2S', 'bamboo_engine_forced_fail')] })
        .expect(200);
      expect(res.body.version).toBe(2);
      expect(res.body.definition.activities.a.events.timer_events).toHaveLength(1);
      const run = await app.http().post(`${API}/pipelines/${id}/runs`).send({}).expect(201);
      await api.waitState(run.body.id, 'FAILED', 10_000);
    });

    it('answers 400 with details for bad configs, 400 UNKNOWN_NODE for ids not in the tree, 404 for an unknown pipeline', async () => {
      const id = await createPipeline();
      const bad = await app
        .http()
        .put(`${API}/pipelines/${id}/node-timeouts`)
        .send({ a: { enable: true, action: 'nope', seconds: -1 }, b: 'x' })
        .expect(400);
      expect(bad.body.code).toBe('INVALID_TIMER_CONFIGS');
      expect(
        bad.body.details.map((d: { code: string; path: string }) => `${d.code} ${d.path}`),
      ).toEqual([
        'INVALID_TIMER a.timeout_config.seconds',
        'UNKNOWN_ACTION a.timeout_config.action',
        'INVALID_TIMER b',
      ]);
      const badEvents = await app
        .http()
        .put(`${API}/pipelines/${id}/node-timer-events`)
        .send({ a: [timerEvent('time_cycle', 'R2/P', 'example')] })
        .expect(400);
      expect(badEvents.body.details).toEqual([
        expect.objectContaining({ code: 'INVALID_TIMER', path: 'a.events.timer_events.0.defined' }),
      ]);
      const notList = await app
        .http()
        .put(`${API}/pipelines/${id}/node-timer-events`)
        .send({ a: {} })
        .expect(400);
      expect(notList.body.code).toBe('INVALID_TIMER_CONFIGS');
      const unknown = await app
        .http()
        .put(`${API}/pipelines/${id}/node-timeouts`)
        .send({ zz: { enable: true, action: 'forced_fail', seconds: 1 } })
        .expect(400);
      expect(unknown.body).toMatchObject({ code: 'UNKNOWN_NODE', nodeIds: ['zz'] });
      await app.http().put(`${API}/pipelines/no-such-pipeline/node-timeouts`).send({}).expect(404);
      await app
        .http()
        .put(`${API}/pipelines/no-such-pipeline/node-timer-events`)
        .send({})
        .expect(404);
      // Nothing was stored by the refused calls.
      expect((await app.http().get(`${API}/pipelines/${id}`).expect(200)).body.version).toBe(1);
    });
  });
});

describe('timers across an embedded restart', () => {
  it('rebuilds the pools from the database: a timer armed before the restart fires after it', async () => {
    const env = { PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL: '0.05' };
    const first = await startEmbeddedApp(env, { keepDatabase: true });
    const databaseFile = first.databaseFile;
    let second: EmbeddedApp | undefined;
    try {
      const runId = await runApi(() => first.http()).start(
        chainTree('restart', [waitWithTimeout('a', 1.5)]),
      );
      await runApi(() => first.http()).waitNode(runId, 'a', 'RUNNING');
      await first.close();
      second = await startEmbeddedApp(env, { databaseFile });
      const run = await runApi(() => second!.http()).waitState(runId, 'FAILED', 15_000);
      expect(findNode(run.nodes, 'a')?.state).toBe('FAILED');
    } finally {
      await second?.close();
      rmSync(dirname(databaseFile), { recursive: true, force: true });
    }
  });
});

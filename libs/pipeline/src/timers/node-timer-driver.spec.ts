import { InProcessExecutingPool } from './in-process-executing-pool';
import { InProcessTimerJobQueue } from './in-process-timer-job-queue';
import {
  NodeTimerDriver,
  nodeTimerPartsFor,
  type NodeTimerDriverOptions,
} from './node-timer-driver';
import {
  cycleSpec,
  FakeTimerEngine,
  FakeTimerKind,
  nodeRecord,
  onceSpec,
  waitUntil,
} from './node-timer-driver.spec-helper';
import { encodeNodeTimerMember } from './node-timer-member';
import type { TimerJob } from './timer-job-queue.port';

const POOL = 'test_pool';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('nodeTimerPartsFor', () => {
  it('runs upkeep everywhere, scans in the scanner, processors in workers, everything embedded', () => {
    expect(nodeTimerPartsFor('embedded')).toEqual({ maintain: true, scan: true, handle: true });
    expect(nodeTimerPartsFor('api')).toEqual({ maintain: true, scan: false, handle: false });
    expect(nodeTimerPartsFor('worker')).toEqual({ maintain: true, scan: false, handle: true });
    expect(nodeTimerPartsFor('scanner')).toEqual({ maintain: true, scan: true, handle: false });
  });
});

describe('NodeTimerDriver (in process)', () => {
  let engine: FakeTimerEngine;
  let kind: FakeTimerKind;
  let pool: InProcessExecutingPool;
  let queue: InProcessTimerJobQueue;
  let drivers: NodeTimerDriver[];

  const options = (extra: Partial<NodeTimerDriverOptions> = {}): NodeTimerDriverOptions => ({
    pool: POOL,
    dispatchQueue: 'dispatch',
    handleQueue: 'handle',
    scanIntervalMs: 1_000,
    parts: nodeTimerPartsFor('embedded'),
    ...extra,
  });
  const start = (extra: Partial<NodeTimerDriverOptions> = {}) => {
    const d = new NodeTimerDriver(kind, pool, queue, engine, options(extra));
    drivers.push(d);
    d.start();
    return d;
  };
  const member = (runId: string, nodeId: string, version: number, index = 1) =>
    encodeNodeTimerMember('fake:', { runId, nodeId, version, index });

  beforeEach(() => {
    engine = new FakeTimerEngine();
    kind = new FakeTimerKind();
    pool = new InProcessExecutingPool();
    queue = new InProcessTimerJobQueue({ backoffMs: 10 });
    drivers = [];
  });
  afterEach(async () => {
    for (const d of drivers) await d.stop();
    await queue.close();
  });

  it('arms a node entering RUNNING, fires once due, and never early', async () => {
    engine.addRun('r1', { a: [onceSpec(1, 80)] });
    start();
    const startedAt = Date.now();
    await engine.setNode('r1', 'a', 'RUNNING', 1, startedAt);
    expect(await pool.entries(POOL)).toEqual([
      { member: member('r1', 'a', 1), dueAt: startedAt + 80 },
    ]);
    await waitUntil(() => kind.fired.length === 1);
    const [f] = kind.fired;
    expect(f).toMatchObject({
      runId: 'r1',
      nodeId: 'a',
      version: 1,
      dueAt: startedAt + 80,
      firedCount: 1,
    });
    expect(f.at).toBeGreaterThanOrEqual(startedAt + 80);
    // The embedded scanner was woken for it: no waiting for the 1 s scan interval.
    expect(f.at - f.dueAt).toBeLessThan(500);
    expect(await pool.size(POOL)).toBe(0);
  });

  it('ignores nodes without timers and changes that keep a node RUNNING at its version', async () => {
    engine.addRun('r1', { a: [onceSpec(1, 10_000)] });
    start({ parts: { maintain: true, scan: false, handle: false } });
    await engine.setNode('r1', 'b', 'RUNNING', 1);
    expect(await pool.size(POOL)).toBe(0);
    await engine.setNode('r1', 'a', 'RUNNING', 1, 1_000);
    await engine.setNode('r1', 'a', 'RUNNING', 1, 5_000);
    // Not re-armed from the second write: the entry keeps its first due time.
    expect(await pool.entries(POOL)).toEqual([{ member: member('r1', 'a', 1), dueAt: 11_000 }]);
  });

  it('disarms a node leaving RUNNING, and re-arms a new version', async () => {
    engine.addRun('r1', { a: [onceSpec(1, 10_000), onceSpec(2, 20_000)] });
    start({ parts: { maintain: true, scan: false, handle: false } });
    await engine.setNode('r1', 'a', 'RUNNING', 1, 0);
    expect(await pool.size(POOL)).toBe(2);
    // An auto-retry renewal: RUNNING again at version 2.
    await engine.setNode('r1', 'a', 'RUNNING', 2, 1_000);
    expect((await pool.entries(POOL)).map((e) => e.member)).toEqual([
      member('r1', 'a', 2, 1),
      member('r1', 'a', 2, 2),
    ]);
    await engine.setNode('r1', 'a', 'FINISHED', 2);
    expect(await pool.size(POOL)).toBe(0);
  });

  it('drops an entry whose node moved on, whose run finished, or whose member is foreign', async () => {
    engine.addRun('r1', { a: [onceSpec(1, 10_000)] });
    const d = start({ parts: { maintain: false, scan: false, handle: false } });
    engine.runs.get('r1')!.nodes.set('a', nodeRecord('r1', 'a', 'RUNNING', 2, new Date()));
    await d.handle({ member: member('r1', 'a', 1), dueAt: 1 });
    engine.runs.get('r1')!.state = 'REVOKED';
    await d.handle({ member: member('r1', 'a', 2), dueAt: 1 });
    await d.handle({ member: 'something else', dueAt: 1 });
    await d.handle({ member: member('nope', 'a', 1), dueAt: 1 });
    expect(kind.fired).toEqual([]);
  });

  it('fires a cycle n times, each due time from the previous one, then stops', async () => {
    engine.addRun('r1', { a: [cycleSpec(1, 30, 30, 4)] });
    start({ scanIntervalMs: 20 });
    const startedAt = Date.now();
    await engine.setNode('r1', 'a', 'RUNNING', 1, startedAt);
    await waitUntil(() => kind.fired.length === 4);
    await sleep(150);
    expect(kind.fired.map((f) => [f.firedCount, f.dueAt - startedAt])).toEqual([
      [1, 30],
      [2, 60],
      [3, 90],
      [4, 120],
    ]);
    expect(await pool.size(POOL)).toBe(0);
    // Remembered as fired while the node stays RUNNING.
    expect(await pool.entries(`${POOL}:fired`)).toEqual([
      { member: member('r1', 'a', 1), dueAt: startedAt + 120 },
    ]);
    await engine.setNode('r1', 'a', 'FINISHED', 1);
    expect(await pool.size(`${POOL}:fired`)).toBe(0);
  });

  it('stops an unbounded cycle when the node leaves RUNNING', async () => {
    engine.addRun('r1', { a: [cycleSpec(1, 20, 20, null)] });
    start({ scanIntervalMs: 10 });
    await engine.setNode('r1', 'a', 'RUNNING', 1);
    await waitUntil(() => kind.fired.length >= 3);
    await engine.setNode('r1', 'a', 'FINISHED', 1);
    const count = kind.fired.length;
    await sleep(120);
    expect(kind.fired.length).toBeLessThanOrEqual(count + 1);
    expect(await pool.size(POOL)).toBe(0);
  });

  it('arms no next firing when the action makes the node leave RUNNING (forced fail)', async () => {
    engine.addRun('r1', { a: [cycleSpec(1, 20, 20, null)] });
    kind.onFire = (f) => engine.setNode(f.runId, f.nodeId, 'FAILED', f.version + 1);
    start({ scanIntervalMs: 10 });
    await engine.setNode('r1', 'a', 'RUNNING', 1);
    await waitUntil(() => kind.fired.length === 1);
    await sleep(100);
    expect(kind.fired).toHaveLength(1);
    expect(await pool.size(POOL)).toBe(0);
    expect(await pool.size(`${POOL}:fired`)).toBe(0);
  });

  it('retries a handler that throws (at-least-once)', async () => {
    engine.addRun('r1', { a: [onceSpec(1, 10)] });
    let failures = 1;
    kind.onFire = () => {
      if (failures-- > 0) throw new Error('database away (expected by the test)');
    };
    start({ scanIntervalMs: 10 });
    await engine.setNode('r1', 'a', 'RUNNING', 1);
    await waitUntil(() => kind.fired.length === 2);
    expect(kind.fired.map((f) => f.firedCount)).toEqual([1, 1]);
  });

  it('rebuilds a lost pool from RUNNING nodes: first due, the next one after a firing, nothing for a spent one-shot', async () => {
    const t0 = Date.now() + 60_000;
    engine.addRun('r1', {
      a: [onceSpec(1, 1_000)],
      b: [cycleSpec(1, 1_000, 1_000, 5)],
      c: [onceSpec(1, 1_000)],
      d: [onceSpec(1, 1_000)],
    });
    engine.addRun('done', { a: [onceSpec(1, 1_000)] });
    const d = start({ parts: { maintain: true, scan: false, handle: false } });
    for (const n of ['a', 'b', 'c', 'd']) await engine.setNode('r1', n, 'RUNNING', 1, t0);
    await engine.setNode('done', 'a', 'RUNNING', 1, t0);
    engine.runs.get('done')!.state = 'FINISHED';
    // b fired twice, c once (one-shot, node still RUNNING), d is armed: then Redis is flushed.
    await pool.add(`${POOL}:fired`, [
      { member: member('r1', 'b', 1), dueAt: t0 + 2_000 },
      { member: member('r1', 'c', 1), dueAt: t0 + 1_000 },
    ]);
    await pool.clear(POOL);
    await pool.add(POOL, [{ member: member('r1', 'd', 1), dueAt: t0 + 5 }]);
    expect(await d.rebuild('test')).toBe(2);
    expect(await pool.entries(POOL)).toEqual([
      { member: member('r1', 'd', 1), dueAt: t0 + 5 },
      { member: member('r1', 'a', 1), dueAt: t0 + 1_000 },
      { member: member('r1', 'b', 1), dueAt: t0 + 3_000 },
    ]);
    expect(await pool.size(`${POOL}:rebuilt`)).toBe(1);
  });

  it('rebuilds every RUNNING node however many pages they take, arming each page before reading the next', async () => {
    const t0 = Date.now() + 60_000;
    const perRun = 9;
    const runs = ['r1', 'r2', 'r3'];
    for (const r of runs) {
      const timers: Record<string, ReturnType<typeof onceSpec>[]> = {};
      for (let i = 0; i < perRun; i++) timers[`n${i}`] = [onceSpec(1, 1_000 + i)];
      engine.addRun(r, timers);
      for (let i = 0; i < perRun; i++) engine.runs.get(r)!.nodes.set(`n${i}`, nodeRecord(r, `n${i}`, 'RUNNING', 1, new Date(t0)));
    }
    // What the pool held when each page was read: the pages before it, armed.
    const armedAtRead: number[] = [];
    const page = engine.store.pageLiveNodes;
    engine.store.pageLiveNodes = async (...args) => {
      armedAtRead.push(await pool.size(POOL));
      return page(...args);
    };
    const d = start({ parts: { maintain: true, scan: false, handle: false }, rebuildPageSize: 4 });
    expect(await d.rebuild('test')).toBe(runs.length * perRun);
    const armed = (await pool.entries(POOL)).map((e) => e.member).sort();
    expect(armed).toEqual(runs.flatMap((r) => Array.from({ length: perRun }, (_, i) => member(r, `n${i}`, 1))).sort());
    // 27 nodes in pages of 4: 7 pages (the last one short), each after the last key of the one before.
    expect(engine.pagesRead.map((p) => p.limit)).toEqual(Array(7).fill(4));
    expect(engine.pagesRead.map((p) => p.after)).toEqual([
      null,
      { runId: 'r1', nodeId: 'n3' },
      { runId: 'r1', nodeId: 'n7' },
      { runId: 'r2', nodeId: 'n2' },
      { runId: 'r2', nodeId: 'n6' },
      { runId: 'r3', nodeId: 'n1' },
      { runId: 'r3', nodeId: 'n5' },
    ]);
    expect(armedAtRead).toEqual([0, 4, 8, 12, 16, 20, 24]);
  });

  it('rebuilds at start, and again in the pass after the pool (and its marker) is lost', async () => {
    engine.addRun('r1', { a: [onceSpec(1, 60_000)] });
    engine.runs.get('r1')!.nodes.set('a', nodeRecord('r1', 'a', 'RUNNING', 1, new Date()));
    start({ scanIntervalMs: 20 });
    const armed = async () => (await pool.entries(POOL)).map((e) => e.member);
    for (let i = 0; i < 100 && (await armed()).length === 0; i++) await sleep(10);
    expect(await armed()).toEqual([member('r1', 'a', 1)]);
    await pool.clear(POOL);
    await pool.clear(`${POOL}:rebuilt`);
    await sleep(100);
    expect(await armed()).toEqual([member('r1', 'a', 1)]);
  });

  it('puts entries back in the pool when their dispatch fails, and dispatches them later', async () => {
    engine.addRun('r1', { a: [onceSpec(1, 10)] });
    const realAdd = queue.add.bind(queue);
    let refuse = 2;
    jest.spyOn(queue, 'add').mockImplementation(async (name: string, jobs: readonly TimerJob[]) => {
      if (name === 'dispatch' && refuse-- > 0) throw new Error('Redis away (expected by the test)');
      return realAdd(name, jobs);
    });
    start({ scanIntervalMs: 20 });
    await engine.setNode('r1', 'a', 'RUNNING', 1);
    await waitUntil(() => kind.fired.length === 1, 5_000, 'the retried dispatch');
    expect(refuse).toBeLessThan(0);
  });

  it('sleeps until the next due time, capped by the scan interval', async () => {
    const d = start({
      scanIntervalMs: 300,
      parts: { maintain: false, scan: false, handle: false },
    });
    expect(await d.scanOnce()).toBe(300);
    await pool.add(POOL, [{ member: member('r', 'n', 1), dueAt: Date.now() + 100 }]);
    const wait = await d.scanOnce();
    expect(wait).toBeGreaterThan(50);
    expect(wait).toBeLessThanOrEqual(100);
    await pool.add(POOL, [{ member: member('r', 'n', 1), dueAt: Date.now() + 60_000 }]);
    expect(await d.scanOnce()).toBe(300);
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { describeWithRedis } from '../../../../test/utils/services';
import { jobQueueContract } from '../ports/job-queue.contract.spec-helper';
import type { QueuedJob } from '../ports/job-queue.port';
import { BullMqJobQueue, type BullMqJobQueueOptions } from './bullmq-job-queue';
import type { EngineJob } from './engine-job';

const job = (n: number | string): EngineJob => ({
  kind: 'advance',
  runId: 'r',
  processId: `p${n}`,
  rev: 0,
});
const pid = (j: EngineJob) => (j as { processId: string }).processId;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > ms) throw new Error('timed out');
    await sleep(10);
  }
}

describeWithRedis('BullMqJobQueue (Redis)', (redisUrl) => {
  jest.setTimeout(30_000);
  /** Each queue gets its own key prefix, so runs and tests never see each other's jobs. */
  const prefixes: string[] = [];
  const opened: BullMqJobQueue[] = [];
  const children: ChildProcess[] = [];
  let redis: Redis;

  const newPrefix = () => {
    const prefix = `pipeline_test_${randomBytes(5).toString('hex')}`;
    prefixes.push(prefix);
    return prefix;
  };
  const make = async (options: Partial<BullMqJobQueueOptions> = {}) => {
    const q = await BullMqJobQueue.open({
      redisUrl,
      prefix: newPrefix(),
      backoffMs: 20,
      shutdownTimeoutMs: 5_000,
      ...options,
    });
    opened.push(q);
    return q;
  };

  beforeAll(() => {
    redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  });
  afterEach(async () => {
    for (const c of children.splice(0))
      if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await Promise.all(opened.splice(0).map((q) => q.close()));
  });
  afterAll(async () => {
    for (const prefix of prefixes) {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        keys.push(...batch);
      } while (cursor !== '0');
      if (keys.length) await redis.del(...keys);
    }
    await redis.quit();
  });

  jobQueueContract('bullmq', () => make());

  it('keeps distinct ids distinct, whatever characters they hold, and collapses each duplicate', async () => {
    const q = await make();
    const ids = [
      'advance:r:p:1',
      'advance|r|p|1',
      'advance_r_p_1',
      'advance%3Ar%3Ap%3A1',
      '42',
      '-7',
      'a:b:c',
      'ü/ß 空白',
    ];
    const seen: string[] = [];
    // Delayed, so every duplicate arrives while the first is still waiting.
    const batch: QueuedJob[] = ids.flatMap((id, i) => [
      { job: job(i), jobId: id, delayMs: 100 },
      { job: job(`dup${i}`), jobId: id, delayMs: 100 },
    ]);
    await q.add(batch);
    await q.add(ids.map((id, i) => ({ job: job(`again${i}`), jobId: id })));
    expect(await q.size()).toBe(ids.length);
    q.consume(async (j) => void seen.push(pid(j)));
    await until(() => seen.length >= ids.length);
    await sleep(200);
    expect(seen.sort()).toEqual(ids.map((_, i) => `p${i}`).sort());
  });

  // Re-adding a finished job's id is in the shared contract (the reconciler relies on it).

  it('collapses a duplicate of a job that is running', async () => {
    const q = await make();
    const seen: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    q.consume(async (j) => {
      seen.push(pid(j));
      await gate;
    });
    await q.add([{ job: job(1), jobId: 'running' }]);
    await until(() => seen.length === 1);
    await q.add([{ job: job(2), jobId: 'running' }]);
    release();
    await until(async () => (await q.size()) === 0);
    await sleep(100);
    expect(seen).toEqual(['p1']);
  });

  it('retries a handler that throws, with backoff, until it succeeds', async () => {
    const q = await make({ attempts: 4, backoffMs: 20 });
    const calls: number[] = [];
    q.consume(async () => {
      calls.push(Date.now());
      if (calls.length < 3) throw new Error('database down');
    });
    await q.add([{ job: job(1), jobId: 'flaky' }]);
    await until(() => calls.length === 3);
    await until(async () => (await q.size()) === 0);
    await sleep(100);
    expect(calls).toHaveLength(3);
    // Exponential backoff: the second wait is not shorter than the first delay.
    expect(calls[2] - calls[1]).toBeGreaterThanOrEqual(35);
  });

  it('keeps a job that failed every attempt for inspection, without blocking its id', async () => {
    const prefix = newPrefix();
    const q = await make({ prefix, attempts: 2, backoffMs: 10 });
    let calls = 0;
    q.consume(async () => {
      calls++;
      if (calls <= 2) throw new Error('still down');
    });
    await q.add([{ job: job(1), jobId: 'doomed' }]);
    await until(() => calls === 2);
    await until(async () => (await q.size()) === 0);
    const inspect = new Queue('pipeline_engine', { connection: { url: redisUrl }, prefix });
    try {
      await until(async () => (await inspect.getJobCounts('failed')).failed === 1);
      const [failed] = await inspect.getFailed();
      expect(failed.data).toEqual(job(1));
      expect(failed.failedReason).toBe('still down');
    } finally {
      await inspect.close();
    }
    // The reconciler re-adds lost work under the same id: it must run again.
    await q.add([{ job: job(1), jobId: 'doomed' }]);
    await until(() => calls === 3);
  });

  it('shares the jobs of one queue between two consumers, each job once', async () => {
    const prefix = newPrefix();
    const a = await make({ prefix, concurrency: 2 });
    const b = await make({ prefix, concurrency: 2 });
    const seen = new Map<string, number>();
    const by = { a: 0, b: 0 };
    const handler = (who: 'a' | 'b') => async (j: EngineJob) => {
      by[who]++;
      seen.set(pid(j), (seen.get(pid(j)) ?? 0) + 1);
      await sleep(20);
    };
    a.consume(handler('a'));
    b.consume(handler('b'));
    await sleep(100); // both workers connected and waiting
    await a.add(Array.from({ length: 40 }, (_, i) => ({ job: job(i), jobId: `share${i}` })));
    await until(() => seen.size === 40);
    await until(async () => (await a.size()) === 0);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect(by.a).toBeGreaterThan(0);
    expect(by.b).toBeGreaterThan(0);
    expect(by.a + by.b).toBe(40);
  });

  it('counts waiting, delayed and running jobs in size()', async () => {
    const q = await make();
    await q.add([
      { job: job(1), jobId: 's1' },
      { job: job(2), jobId: 's2', delayMs: 60_000 },
    ]);
    expect(await q.size()).toBe(2);
  });

  it('finishes in-flight jobs on close, takes no new ones, and closes twice safely', async () => {
    const q = await make({ concurrency: 1 });
    const started: string[] = [];
    const finished: string[] = [];
    q.consume(async (j) => {
      started.push(pid(j));
      await sleep(200);
      finished.push(pid(j));
    });
    await q.add([
      { job: job(1), jobId: 'c1' },
      { job: job(2), jobId: 'c2' },
    ]);
    await until(() => started.length === 1);
    await Promise.all([q.close(), q.close()]);
    expect(finished).toEqual(started);
    expect(started).toHaveLength(1);
    expect(await q.ping()).toBe(false);
    await q.add([{ job: job(3), jobId: 'c3' }]); // dropped with a warning, no throw
  });

  it('hands a job still running when close() times out back to the queue, for another worker', async () => {
    const prefix = newPrefix();
    // A lock far longer than the test: the job must come back by the hand-back, not by lock expiry.
    const stuck = await make({ prefix, lockDurationMs: 60_000, shutdownTimeoutMs: 200 });
    let stuckStarted = false;
    stuck.consume(() => {
      stuckStarted = true;
      return new Promise<void>(() => undefined); // never settles
    });
    await stuck.add([{ job: job(1), jobId: 'handover' }]);
    await until(() => stuckStarted);
    await stuck.close();
    expect(await stuck.ping()).toBe(false);
    const rescuer = await make({ prefix });
    const seen: string[] = [];
    rescuer.consume(async (j) => void seen.push(pid(j)));
    await until(() => seen.length === 1);
    expect(seen).toEqual(['p1']);
  });

  it('runs again the job of a worker killed with SIGKILL', async () => {
    const prefix = newPrefix();
    const producer = await make({ prefix });
    // A separate OS process consumes with a handler that never returns, then is killed.
    const script = `
      require('reflect-metadata');
      const { BullMqJobQueue } = require(${JSON.stringify(resolve(__dirname, 'bullmq-job-queue.ts'))});
      BullMqJobQueue.open({ redisUrl: ${JSON.stringify(redisUrl)}, prefix: ${JSON.stringify(prefix)}, lockDurationMs: 1000, stalledIntervalMs: 300 }).then((q) =>
        q.consume((job) => { process.stdout.write('started ' + job.processId + '\\n'); return new Promise(() => {}); }));
    `;
    const child = spawn(process.execPath, ['-r', '@swc-node/register', '-e', script], {
      cwd: resolve(__dirname, '../../../..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    await producer.add([{ job: job(1), jobId: 'killed' }]);
    await until(() => out.includes('started p1'), 20_000);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const seen: string[] = [];
    const rescuer = await make({ prefix, stalledIntervalMs: 300 });
    rescuer.consume(async (j) => void seen.push(pid(j)));
    await until(() => seen.length === 1, 20_000);
    expect(seen).toEqual(['p1']);
  });

  it('keeps working after its keys are wiped (Redis flushed): lost jobs can be added again by id', async () => {
    const prefix = newPrefix();
    const q = await make({ prefix });
    const seen: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    q.consume(async (j) => {
      seen.push(pid(j));
      if (pid(j) === 'p1') await gate;
    });
    await q.add([
      { job: job(1), jobId: 'running-when-flushed' },
      { job: job(2), jobId: 'delayed-when-flushed', delayMs: 60_000 },
    ]);
    await until(() => seen.length === 1);
    // FLUSHDB would hit other suites sharing the db: wipe this queue's keys, which is the same to it.
    const keys = await redis.keys(`${prefix}:*`);
    await redis.del(...keys);
    release();
    await sleep(100);
    // What the reconciler does next: re-add both by their ids.
    await q.add([
      { job: job(1), jobId: 'running-when-flushed' },
      { job: job(2), jobId: 'delayed-when-flushed' },
    ]);
    await until(() => seen.length === 3);
    expect(seen.sort()).toEqual(['p1', 'p1', 'p2']);
  });

  it('answers ping() while Redis is up', async () => {
    expect(await (await make()).ping()).toBe(true);
  });
});

describe('BullMqJobQueue (no Redis)', () => {
  it('answers ping() false, promptly, when Redis is unreachable, and still closes', async () => {
    const q = await BullMqJobQueue.open({
      redisUrl: 'redis://127.0.0.1:1/0',
      prefix: 'pipeline_test_unreachable',
    });
    const started = Date.now();
    expect(await q.ping()).toBe(false);
    expect(Date.now() - started).toBeLessThan(10_000);
    await q.close();
  });

  it('refuses a URL that is not redis://', async () => {
    await expect(BullMqJobQueue.open({ redisUrl: 'http://127.0.0.1:6379' })).rejects.toThrow(
      /redis:\/\//,
    );
  });
});

import { DataSource } from 'typeorm';
import type { PipelineDefinitionService } from '../definitions/pipeline-definition.service';
import { ConflictError } from '../errors/conflict.error';
import { buildDataSourceOptions } from '../persistence/database-options';
import { PipelineDefinitionEntity } from '../persistence/pipeline-definition.entity';
import type { RunService } from '../runtime/run.service';
import type { StartRunRequest } from '../runtime/run-views';
import { ScheduleService } from './schedule.service';
import { ScheduleTrigger, type ScheduleFiring } from './schedule-trigger.port';

/** Records what is armed; never fires by itself (the tests call `fire`). */
class RecordingTrigger extends ScheduleTrigger {
  armed: ScheduleFiring[] = [];
  arm(firings: readonly ScheduleFiring[]): Promise<void> {
    this.armed.push(...firings);
    return Promise.resolve();
  }
  disarm(): Promise<void> {
    return Promise.resolve();
  }
  consume(): void {}
  lost(): Promise<boolean> {
    return Promise.resolve(false);
  }
  markArmed(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * A RunService that keeps `(scheduleId, scheduledFor)` unique as the run table does (a second
 * start for a due time fails like a unique index), and can be told to refuse.
 */
class FakeRuns {
  started: StartRunRequest[] = [];
  refuse: Error | null = null;
  private readonly keys = new Set<string>();
  async start(req: StartRunRequest): Promise<{ id: string }> {
    await new Promise((r) => setImmediate(r));
    if (this.refuse) throw this.refuse;
    const key = `${req.scheduleId}@${req.scheduledFor?.toISOString()}`;
    if (this.keys.has(key)) throw Object.assign(new Error('UNIQUE constraint failed: run.schedule_id, run.scheduled_for'), { code: 'SQLITE_CONSTRAINT_UNIQUE' });
    this.keys.add(key);
    this.started.push(req);
    return { id: `run-${this.started.length}` };
  }
}

describe('ScheduleService (SQLite)', () => {
  let ds: DataSource;
  let runs: FakeRuns;
  let trigger: RecordingTrigger;
  let service: ScheduleService;
  const pipelineId = '11111111-1111-1111-1111-111111111111';

  beforeEach(async () => {
    ds = new DataSource(buildDataSourceOptions({ databaseUrl: 'sqlite::memory:' }));
    await ds.initialize();
    const now = new Date();
    await ds.getRepository(PipelineDefinitionEntity).insert({
      id: pipelineId,
      key: 'p',
      name: 'p',
      latestVersion: 1,
      enabled: true,
      maxConcurrentRuns: null,
      queueMode: 'fifo',
      timeoutSeconds: null,
      createdAt: now,
      updatedAt: now,
    });
    runs = new FakeRuns();
    trigger = new RecordingTrigger();
    const definitions = { get: async () => ({ id: pipelineId }) } as unknown as PipelineDefinitionService;
    service = new ScheduleService(ds, definitions, runs as unknown as RunService, trigger);
  });
  afterEach(() => ds.destroy());

  it('creates, arms the first due time, and fires it once however many times it is delivered', async () => {
    const s = await service.create(pipelineId, { every: 60_000, inputs: { '${x}': 1 }, businessKey: 'bk' });
    const due = new Date(s.nextFireAt!);
    expect(trigger.armed).toEqual([{ scheduleId: s.id, dueAt: due.getTime() }]);
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => service.fire(s.id, due)));
    expect(runs.started).toEqual([{ pipelineId, inputs: { '${x}': 1 }, businessKey: 'bk', scheduleId: s.id, scheduledFor: due }]);
    expect(outcomes.filter((o) => o.outcome === 'started' && o.runId === 'run-1')).toHaveLength(1);
    const after = await service.get(s.id);
    expect(after).toMatchObject({ lastDueAt: due.toISOString(), lastOutcome: 'started', lastRunId: 'run-1' });
    expect(new Date(after.nextFireAt!).getTime()).toBe(due.getTime() + 60_000);
    // delivered again later: not due any more
    expect(await service.fire(s.id, due)).toEqual({ outcome: 'stale', runId: null });
    expect(runs.started).toHaveLength(1);
    expect(trigger.armed.map((f) => f.dueAt)).toContain(due.getTime() + 60_000);
  });

  it('a due time that is not the next one, a paused or a deleted schedule starts nothing', async () => {
    const s = await service.create(pipelineId, { every: 'PT1M' });
    expect(await service.fire(s.id, new Date(new Date(s.nextFireAt!).getTime() - 60_000))).toMatchObject({ outcome: 'stale' });
    await service.update(s.id, { enabled: false });
    expect(await service.fire(s.id, new Date(s.nextFireAt!))).toMatchObject({ outcome: 'stale' });
    await service.delete(s.id);
    expect(await service.fire(s.id, new Date(s.nextFireAt!))).toMatchObject({ outcome: 'stale' });
    expect(runs.started).toEqual([]);
  });

  it('a missed due time fires once, then the next one is after now', async () => {
    const s = await service.create(pipelineId, { every: 1000 });
    // pretend everything was down for an hour
    const missed = new Date(Date.now() - 3_600_000);
    await ds.query('UPDATE pipeline_schedule SET next_fire_at = ? WHERE id = ?', [missed.toISOString().replace('T', ' ').replace('Z', ''), s.id]);
    await service.fire(s.id, missed);
    expect(runs.started.map((r) => r.scheduledFor)).toEqual([missed]);
    const next = new Date((await service.get(s.id)).nextFireAt!).getTime();
    expect(next).toBeGreaterThan(Date.now() - 50);
    expect(next).toBeLessThanOrEqual(Date.now() + 1000);
    expect((next - missed.getTime()) % 1000).toBe(0);
  });

  it('a switched-off definition skips the due time (no run) and moves on; another refusal too', async () => {
    const s = await service.create(pipelineId, { every: 60_000 });
    runs.refuse = new ConflictError('disabled', {}, 'PIPELINE_DISABLED');
    await service.fire(s.id, new Date(s.nextFireAt!));
    let v = await service.get(s.id);
    expect(v).toMatchObject({ lastOutcome: 'skipped_disabled', lastRunId: null, lastDueAt: s.nextFireAt });
    runs.refuse = new ConflictError('key in use', {}, 'DUPLICATE_BUSINESS_KEY');
    await service.fire(s.id, new Date(v.nextFireAt!));
    v = await service.get(s.id);
    expect(v.lastOutcome).toBe('skipped_refused');
    expect(runs.started).toEqual([]);
  });

  it('a failure worth retrying (database, queue) leaves the due time to handle again', async () => {
    const s = await service.create(pipelineId, { every: 60_000 });
    runs.refuse = new Error('connection lost');
    await expect(service.fire(s.id, new Date(s.nextFireAt!))).rejects.toThrow('connection lost');
    expect((await service.get(s.id)).nextFireAt).toBe(s.nextFireAt);
    runs.refuse = null;
    expect(await service.fire(s.id, new Date(s.nextFireAt!))).toMatchObject({ outcome: 'started' });
  });

  it('lists the firings to arm, and only the overdue ones for the sweep', async () => {
    const a = await service.create(pipelineId, { every: 60_000 });
    await service.create(pipelineId, { every: 60_000, enabled: false });
    expect(await service.pageArmed(null, 10)).toEqual([{ scheduleId: a.id, dueAt: new Date(a.nextFireAt!).getTime() }]);
    expect(await service.pageArmed(null, 10, new Date())).toEqual([]);
    expect(await service.pageArmed(null, 10, new Date(Date.now() + 120_000))).toHaveLength(1);
  });
});

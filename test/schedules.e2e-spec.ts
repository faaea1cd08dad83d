import { type EmbeddedApp, startEmbeddedApp } from './utils/embedded-app';
import { API, sleep } from './utils/run-api';
import { linearTree } from './utils/trees';

interface RunSummary {
  id: string;
  state: string;
  scheduleId: string | null;
  scheduledFor: string | null;
}

async function createPipeline(api: EmbeddedApp, name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await api.http().post(`${API}/pipelines`).send({ name, definition: linearTree(), ...extra }).expect(201);
  return res.body.id as string;
}

async function runsOf(api: EmbeddedApp, pipelineId: string): Promise<RunSummary[]> {
  const res = await api.http().get(`${API}/runs`).query({ pipelineId, pageSize: 100 }).expect(200);
  return res.body.items as RunSummary[];
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

jest.setTimeout(30_000);

describe('scheduled runs (DESIGN §8.5, embedded app)', () => {
  let api: EmbeddedApp;
  beforeAll(async () => {
    api = await startEmbeddedApp();
  });
  afterAll(() => api?.close());

  describe('CRUD', () => {
    let pipelineId: string;
    beforeAll(async () => {
      pipelineId = await createPipeline(api, 'Scheduled CRUD');
    });

    it('creates a cron schedule in a zone (201), lists, reads, changes and deletes it', async () => {
      const created = await api
        .http()
        .post(`${API}/pipelines/${pipelineId}/schedules`)
        .send({ cron: '0 9 * * 1-5', timezone: 'Europe/Paris', inputs: { '${x}': 1 }, businessKey: 'daily' })
        .expect(201);
      const s = created.body;
      expect(s).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        pipelineId,
        kind: 'cron',
        cron: '0 9 * * 1-5',
        timezone: 'Europe/Paris',
        inputs: { '${x}': 1 },
        businessKey: 'daily',
        enabled: true,
        lastDueAt: null,
        lastRunId: null,
      });
      // 09:00 in Paris is 07:00 or 08:00 UTC, on a weekday, in the future
      const next = new Date(s.nextFireAt);
      expect(next.getTime()).toBeGreaterThan(Date.now());
      expect([7, 8]).toContain(next.getUTCHours());
      expect(next.getUTCMinutes()).toBe(0);

      const byKey = await api.http().get(`${API}/pipelines/scheduled-crud/schedules`).expect(200);
      expect(byKey.body.map((x: { id: string }) => x.id)).toEqual([s.id]);
      expect((await api.http().get(`${API}/schedules/${s.id}`).expect(200)).body).toEqual(s);

      const paused = await api.http().patch(`${API}/schedules/${s.id}`).send({ enabled: false }).expect(200);
      expect(paused.body).toMatchObject({ enabled: false, nextFireAt: null });
      const changed = await api.http().patch(`${API}/schedules/${s.id}`).send({ enabled: true, every: 'PT1H' }).expect(200);
      expect(changed.body).toMatchObject({ enabled: true, kind: 'every', every: 'PT1H' });
      expect(changed.body.cron).toBeUndefined();
      expect(Math.abs(new Date(changed.body.nextFireAt).getTime() - (Date.now() + 3_600_000))).toBeLessThan(5_000);
      const rezoned = await api.http().patch(`${API}/schedules/${s.id}`).send({ cron: '30 2 * * *', timezone: 'America/New_York' }).expect(200);
      expect(rezoned.body).toMatchObject({ kind: 'cron', cron: '30 2 * * *', timezone: 'America/New_York' });

      await api.http().delete(`${API}/schedules/${s.id}`).expect(204);
      await api.http().get(`${API}/schedules/${s.id}`).expect(404);
      await api.http().delete(`${API}/schedules/${s.id}`).expect(404);
      expect((await api.http().get(`${API}/pipelines/${pipelineId}/schedules`).expect(200)).body).toEqual([]);
    });

    it('an `at` schedule fires once; a created-off schedule has no next due time', async () => {
      const at = new Date(Date.now() + 3_600_000).toISOString();
      const once = await api.http().post(`${API}/pipelines/${pipelineId}/schedules`).send({ at }).expect(201);
      expect(once.body).toMatchObject({ kind: 'at', at, nextFireAt: at });
      const off = await api.http().post(`${API}/pipelines/${pipelineId}/schedules`).send({ every: 60000, enabled: false }).expect(201);
      expect(off.body).toMatchObject({ kind: 'every', every: 60000, enabled: false, nextFireAt: null });
    });

    it.each([
      ['a bad cron', { cron: '61 * * * *' }, 'cron'],
      ['a cron of 4 fields', { cron: '* * * *' }, 'cron'],
      ['an unknown zone', { cron: '* * * * *', timezone: 'Nowhere/Special' }, 'timezone'],
      ['a zero interval', { every: 0 }, 'every'],
      ['a negative interval', { every: 'PT-5S' }, 'every'],
      ['a past at', { at: '2001-01-01T00:00:00Z' }, 'at'],
      ['none of cron, every, at', { inputs: {} }, 'cron|every|at'],
      ['two of them', { cron: '* * * * *', at: '2100-01-01T00:00:00Z' }, 'cron,at'],
    ])('400 INVALID_SCHEDULE for %s, naming the field', async (_what, body, field) => {
      const res = await api.http().post(`${API}/pipelines/${pipelineId}/schedules`).send(body).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'INVALID_SCHEDULE', details: [expect.objectContaining({ code: 'INVALID_SCHEDULE', path: field })] });
    });

    it('400 for a bad change; 404 for an unknown pipeline or schedule', async () => {
      const s = (await api.http().post(`${API}/pipelines/${pipelineId}/schedules`).send({ every: 'PT1H' }).expect(201)).body;
      const bad = await api.http().patch(`${API}/schedules/${s.id}`).send({ timezone: 'Not/AZone' }).expect(400);
      expect(bad.body).toMatchObject({ code: 'INVALID_SCHEDULE', details: [expect.objectContaining({ path: 'timezone' })] });
      await api.http().post(`${API}/pipelines/nope/schedules`).send({ every: 1000 }).expect(404);
      await api.http().get(`${API}/pipelines/nope/schedules`).expect(404);
      await api.http().get(`${API}/schedules/00000000-0000-0000-0000-000000000000`).expect(404);
      await api.http().patch(`${API}/schedules/00000000-0000-0000-0000-000000000000`).send({ enabled: false }).expect(404);
    });
  });

  it('`every: 1000` starts a run of the latest version per due time, with scheduleId and scheduledFor; pausing and deleting stop it', async () => {
    const pipelineId = await createPipeline(api, 'Every second');
    // a second version: firings run the latest
    await api.http().put(`${API}/pipelines/${pipelineId}`).send({ definition: linearTree('linear-v2') }).expect(200);
    const created = Date.now();
    const s = (await api.http().post(`${API}/pipelines/${pipelineId}/schedules`).send({ every: 1000, inputs: { '${n}': 7 } }).expect(201)).body;
    expect(Math.abs(new Date(s.nextFireAt).getTime() - (created + 1000))).toBeLessThan(1_000);

    const runs = await waitFor('two scheduled runs', async () => {
      const r = await runsOf(api, pipelineId);
      return r.length >= 2 && r;
    });
    const due = runs.map((r) => r.scheduledFor!).sort();
    expect(new Set(due).size).toBe(due.length);
    for (const r of runs) expect(r.scheduleId).toBe(s.id);
    // on the grid: first due time + k seconds
    const first = new Date(s.nextFireAt).getTime();
    for (const d of due) expect((new Date(d).getTime() - first) % 1000).toBe(0);
    const one = (await api.http().get(`${API}/runs/${runs[0].id}`).expect(200)).body;
    expect(one).toMatchObject({ scheduleId: s.id, scheduledFor: runs[0].scheduledFor, version: 2, inputs: { '${n}': 7 } });
    const seen = (await api.http().get(`${API}/schedules/${s.id}`).expect(200)).body;
    expect(seen).toMatchObject({ lastOutcome: 'started' });
    expect(seen.lastRunId).toEqual(expect.any(String));

    // pause: no more runs
    await api.http().patch(`${API}/schedules/${s.id}`).send({ enabled: false }).expect(200);
    await sleep(200); // a firing already past its check may still land
    const atPause = (await runsOf(api, pipelineId)).length;
    await sleep(2_300);
    expect((await runsOf(api, pipelineId)).length).toBe(atPause);

    // on again: from now, no catch-up of the paused seconds
    const resumedAt = Date.now();
    const resumed = (await api.http().patch(`${API}/schedules/${s.id}`).send({ enabled: true }).expect(200)).body;
    expect(new Date(resumed.nextFireAt).getTime()).toBeGreaterThanOrEqual(resumedAt + 900);
    await waitFor('a run after resuming', async () => (await runsOf(api, pipelineId)).length > atPause);
    expect((await runsOf(api, pipelineId)).length).toBe(atPause + 1);

    // delete: no more runs
    await api.http().delete(`${API}/schedules/${s.id}`).expect(204);
    await sleep(200);
    const atDelete = (await runsOf(api, pipelineId)).length;
    await sleep(2_300);
    expect((await runsOf(api, pipelineId)).length).toBe(atDelete);
  });

  it('an `at` schedule fires once, then has no next due time', async () => {
    const pipelineId = await createPipeline(api, 'At once');
    const at = new Date(Date.now() + 800).toISOString();
    const s = (await api.http().post(`${API}/pipelines/${pipelineId}/schedules`).send({ at }).expect(201)).body;
    const runs = await waitFor('the run', async () => {
      const r = await runsOf(api, pipelineId);
      return r.length >= 1 && r;
    });
    expect(runs).toEqual([expect.objectContaining({ scheduleId: s.id, scheduledFor: at })]);
    await sleep(1_000);
    expect(await runsOf(api, pipelineId)).toHaveLength(1);
    expect((await api.http().get(`${API}/schedules/${s.id}`).expect(200)).body).toMatchObject({ nextFireAt: null, lastDueAt: at, lastOutcome: 'started', lastRunId: runs[0].id });
  });

  it('a 6-field cron fires every second', async () => {
    const pipelineId = await createPipeline(api, 'Cron seconds');
    const s = (await api.http().post(`${API}/pipelines/${pipelineId}/schedules`).send({ cron: '* * * * * *' }).expect(201)).body;
    const runs = await waitFor('two cron runs', async () => {
      const r = await runsOf(api, pipelineId);
      return r.length >= 2 && r;
    });
    for (const r of runs) {
      expect(r.scheduleId).toBe(s.id);
      expect(new Date(r.scheduledFor!).getUTCMilliseconds()).toBe(0);
    }
    await api.http().delete(`${API}/schedules/${s.id}`).expect(204);
  });

  it("a disabled definition's schedules skip their firings, with no catch-up when it is switched back on", async () => {
    const pipelineId = await createPipeline(api, 'Switched off', { enabled: false });
    // schedules may be created while it is off
    const s = (await api.http().post(`${API}/pipelines/${pipelineId}/schedules`).send({ every: 500 }).expect(201)).body;
    await waitFor('a skipped firing', async () => {
      const v = (await api.http().get(`${API}/schedules/${s.id}`).expect(200)).body;
      return v.lastOutcome === 'skipped_disabled' && new Date(v.lastDueAt).getTime() >= new Date(s.nextFireAt).getTime() + 500 && v;
    });
    expect(await runsOf(api, pipelineId)).toEqual([]);
    const onAt = Date.now();
    await api.http().patch(`${API}/pipelines/${pipelineId}`).send({ enabled: true }).expect(200);
    const runs = await waitFor('a run once on', async () => {
      const r = await runsOf(api, pipelineId);
      return r.length >= 1 && r;
    });
    // only due times from after the switch: the skipped ones are not caught up
    for (const r of runs) expect(new Date(r.scheduledFor!).getTime()).toBeGreaterThan(onAt - 600);
    await api.http().delete(`${API}/schedules/${s.id}`).expect(204);
  });

  it('a firing missed while the app was down runs once at start, then the schedule carries on from now', async () => {
    const first = await startEmbeddedApp({}, { keepDatabase: true });
    let second: EmbeddedApp | undefined;
    try {
      const pipelineId = await createPipeline(first, 'Missed');
      const s = (await first.http().post(`${API}/pipelines/${pipelineId}/schedules`).send({ every: 'PT1S' }).expect(201)).body;
      await first.close();
      // three due times pass while nothing runs
      await sleep(3_500);
      const restartedAt = Date.now();
      second = await startEmbeddedApp({}, { databaseFile: first.databaseFile });
      const app = second;
      const runs = await waitFor('the missed firing and one more', async () => {
        const r = await runsOf(app, pipelineId);
        return r.length >= 2 && r;
      });
      const due = runs.map((r) => new Date(r.scheduledFor!).getTime()).sort((a, b) => a - b);
      // once for the missed slots (the first due time), then the grid from now on
      expect(due[0]).toBe(new Date(s.nextFireAt).getTime());
      expect(due[1]).toBeGreaterThan(restartedAt - 1000);
      expect(due.filter((d) => d < restartedAt - 1000)).toHaveLength(1);
    } finally {
      await second?.close();
    }
  });
});

import { InProcessScheduleTrigger } from './in-process-schedule-trigger';
import type { ScheduleFiring } from './schedule-trigger.port';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('InProcessScheduleTrigger', () => {
  let trigger: InProcessScheduleTrigger;
  afterEach(() => trigger.close());

  it('hands each firing to the handler when due, one armed due time per schedule', async () => {
    trigger = new InProcessScheduleTrigger();
    const got: ScheduleFiring[] = [];
    trigger.consume(async (f) => {
      got.push(f);
    });
    const now = Date.now();
    await trigger.arm([
      { scheduleId: 'a', dueAt: now + 30 },
      { scheduleId: 'b', dueAt: now - 1_000 }, // overdue: at once
    ]);
    // re-arming a schedule replaces its due time; the same one again is a no-op
    await trigger.arm([{ scheduleId: 'a', dueAt: now + 60 }]);
    await trigger.arm([{ scheduleId: 'a', dueAt: now + 60 }]);
    expect(trigger.size).toBe(2);
    await sleep(150);
    expect(got).toEqual([
      { scheduleId: 'b', dueAt: now - 1_000 },
      { scheduleId: 'a', dueAt: now + 60 },
    ]);
    expect(trigger.size).toBe(0);
  });

  it('a disarmed schedule does not fire; a failing handler is tried again', async () => {
    trigger = new InProcessScheduleTrigger();
    let calls = 0;
    const fired: string[] = [];
    trigger.consume(async (f) => {
      if (f.scheduleId === 'flaky' && ++calls === 1) throw new Error('database down');
      fired.push(f.scheduleId);
    });
    await trigger.arm([
      { scheduleId: 'gone', dueAt: Date.now() + 20 },
      { scheduleId: 'flaky', dueAt: Date.now() },
    ]);
    await trigger.disarm('gone');
    await sleep(1_300);
    expect(fired).toEqual(['flaky']);
    expect(calls).toBe(2);
  });

  it('registers each timeout by name where a registry is given', async () => {
    const names = new Set<string>();
    trigger = new InProcessScheduleTrigger({
      addTimeout: (name) => void names.add(name),
      deleteTimeout: (name) => void names.delete(name),
      doesExist: (_type, name) => names.has(name),
    });
    await trigger.arm([{ scheduleId: 's1', dueAt: Date.now() + 60_000 }]);
    expect([...names]).toEqual(['pipeline-schedule:s1']);
    await trigger.disarm('s1');
    expect(names.size).toBe(0);
  });
});

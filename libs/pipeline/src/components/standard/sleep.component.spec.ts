import { ComponentData } from '../service';
import { createParentData } from '../testing';
import { SleepComponent } from './sleep.component';

describe('sleep component', () => {
  const T0 = Date.UTC(2024, 0, 1, 0, 0, 0);
  let now: number;
  const component = new SleepComponent();

  beforeEach(() => {
    now = T0;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });
  afterEach(() => jest.restoreAllMocks());

  it('is a poll component', () => {
    expect(component.scheduleType).toBe('poll');
  });

  it('records the deadline in execute and polls after the remaining time', () => {
    const data = new ComponentData({ seconds: 90 });
    expect(component.execute(data, createParentData({ version: 3 }))).toBe(true);
    expect(data.outputs).toEqual({ due_at: '2024-01-01T00:01:30.000Z', due_at_version: 3 });
    expect(data.scheduleFinished).toBe(false);
    expect(component.pollIntervalSeconds(data)).toBe(90);

    now = T0 + 30_000;
    expect(component.pollIntervalSeconds(data)).toBe(60);
    // Called early (a job fired before due): stays waiting, next poll after the rest.
    expect(component.schedule(data)).toBe(true);
    expect(data.scheduleFinished).toBe(false);
    expect(component.pollIntervalSeconds(data)).toBe(60);

    now = T0 + 90_000;
    expect(component.pollIntervalSeconds(data)).toBe(0);
    expect(component.schedule(data)).toBe(true);
    expect(data.scheduleFinished).toBe(true);
  });

  it('finishes once past the deadline and never reports a negative interval', () => {
    const data = new ComponentData({ seconds: 1.5 });
    component.execute(data, createParentData());
    now = T0 + 10_000;
    expect(component.pollIntervalSeconds(data)).toBe(0);
    expect(component.schedule(data)).toBe(true);
    expect(data.scheduleFinished).toBe(true);
  });

  it('keeps the original deadline when execute runs again under the same version (crash re-run)', () => {
    const data = new ComponentData({ seconds: 60 });
    component.execute(data, createParentData({ version: 5 }));
    now = T0 + 40_000;
    const rerun = new ComponentData({ seconds: 60 }, { ...data.outputs });
    expect(component.execute(rerun, createParentData({ version: 5 }))).toBe(true);
    expect(rerun.outputs.due_at).toBe('2024-01-01T00:01:00.000Z');
    expect(component.pollIntervalSeconds(rerun)).toBe(20);
  });

  it('starts a fresh sleep under a new version (retry or loop)', () => {
    const data = new ComponentData({ seconds: 60 });
    component.execute(data, createParentData({ version: 5 }));
    now = T0 + 40_000;
    const retried = new ComponentData({ seconds: 10 }, { ...data.outputs });
    component.execute(retried, createParentData({ version: 6 }));
    expect(retried.outputs).toEqual({ due_at: '2024-01-01T00:00:50.000Z', due_at_version: 6 });
  });

  it('finishes in execute when seconds is 0', () => {
    const data = new ComponentData({ seconds: 0 });
    expect(component.execute(data, createParentData())).toBe(true);
    expect(data.scheduleFinished).toBe(true);
  });

  it('accepts a numeric string', () => {
    const data = new ComponentData({ seconds: '2' });
    expect(component.execute(data, createParentData())).toBe(true);
    expect(component.pollIntervalSeconds(data)).toBe(2);
  });

  it.each([
    [{ seconds: 'abc' }, `input 'seconds' must be a number >= 0, got "abc"`],
    [{ seconds: -1 }, `input 'seconds' must be a number >= 0, got -1`],
    [{}, `input 'seconds' is required (a number >= 0)`],
    [{ seconds: 1e300 }, `input 'seconds' is too large: 1e+300`],
  ])('fails with a clear ex_data on bad input %j', (inputs, exData) => {
    const data = new ComponentData(inputs);
    expect(component.execute(data, createParentData())).toBe(false);
    expect(data.outputs.ex_data).toBe(exData);
  });

  it('fails schedule when the deadline is lost', () => {
    const data = new ComponentData({ seconds: 1 });
    expect(component.schedule(data)).toBe(false);
    expect(data.outputs.ex_data).toMatch(/lost its deadline/);
  });
});

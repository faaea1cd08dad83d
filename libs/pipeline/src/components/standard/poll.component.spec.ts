import { ComponentData } from '../service';
import { PollComponent } from './poll.component';

describe('poll component', () => {
  const component = new PollComponent();

  it('with the defaults: one execute, then one schedule finishes (bamboo benchmark shape)', () => {
    const data = new ComponentData({});
    expect(component.execute(data)).toBe(true);
    expect(data.outputs).toEqual({ polls: 0 });
    expect(data.scheduleFinished).toBe(false);
    expect(component.pollIntervalSeconds(data)).toBe(1);
    expect(component.schedule(data)).toBe(true);
    expect(data.outputs).toEqual({ polls: 1 });
    expect(data.scheduleFinished).toBe(true);
  });

  it('polls `times` times every `interval` seconds', () => {
    const data = new ComponentData({ times: 3, interval: 0 });
    component.execute(data);
    expect(component.pollIntervalSeconds(data)).toBe(0);
    component.schedule(data);
    component.schedule(data);
    expect(data.outputs.polls).toBe(2);
    expect(data.scheduleFinished).toBe(false);
    component.schedule(data);
    expect(data.outputs.polls).toBe(3);
    expect(data.scheduleFinished).toBe(true);
  });

  it('uses the given interval', () => {
    expect(component.pollIntervalSeconds(new ComponentData({ interval: 2.5 }))).toBe(2.5);
  });

  it('finishes in execute when times is 0', () => {
    const data = new ComponentData({ times: 0 });
    component.execute(data);
    expect(data.scheduleFinished).toBe(true);
  });

  it.each([
    [{ times: 'abc' }, `input 'times' must be an integer >= 0, got "abc"`],
    [{ times: 1.5 }, `input 'times' must be an integer >= 0, got 1.5`],
    [{ interval: -1 }, `input 'interval' must be a number >= 0, got -1`],
  ])('fails with a clear ex_data on bad input %j', (inputs, exData) => {
    const data = new ComponentData(inputs);
    expect(component.execute(data)).toBe(false);
    expect(data.outputs.ex_data).toBe(exData);
  });

  it('falls back to a 1 s interval if the inputs went bad', () => {
    expect(component.pollIntervalSeconds(new ComponentData({ interval: 'x' }))).toBe(1);
  });
});

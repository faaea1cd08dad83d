import { ComponentData, type ParentData } from '../service';
import { ExternalTaskComponent } from './external-task.component';

const parent = (context: Record<string, unknown> = {}): ParentData => ({
  runId: 'r1',
  nodeId: 'submit',
  version: 1,
  pipelineId: 'p',
  loop: 1,
  retries: 0,
  scheduleTimes: 0,
  context,
});

describe('external_task component', () => {
  const component = new ExternalTaskComponent();

  it('offers the task on its topic with its payload, or the run variables when it has none', () => {
    const given = new ComponentData({ topic: 'submit', payload: { order: 7 } });
    expect(component.execute(given, parent({ x: 1 }))).toBe(true);
    expect(given.outputs).toEqual({ topic: 'submit', payload: { order: 7 } });
    // The engine stores the task with the node's wait (DESIGN §8.6).
    expect(given.externalTask).toEqual({ topic: 'submit', payload: { order: 7 } });
    const byName = new ComponentData({ topic: 'trace' });
    expect(component.execute(byName, parent({ '${order}': 9 }))).toBe(true);
    expect(byName.outputs).toEqual({ topic: 'trace', payload: { order: 9 } });
  });

  it('refuses a task without a topic', () => {
    const data = new ComponentData({ topic: ' ' });
    expect(component.execute(data, parent())).toBe(false);
    expect(data.outputs.ex_data).toMatch(/topic/);
    expect(data.externalTask).toBeUndefined();
    const long = new ComponentData({ topic: 'x'.repeat(129) });
    expect(component.execute(long, parent())).toBe(false);
  });

  it('finishes with the outputs a worker reports, or fails with its error', () => {
    const done = new ComponentData({ topic: 't' });
    expect(component.schedule(done, parent(), { outputs: { ticket: 42 } })).toBe(true);
    expect(done.outputs).toMatchObject({ ticket: 42 });
    expect(done.scheduleFinished).toBe(true);
    const failed = new ComponentData({ topic: 't' });
    expect(component.schedule(failed, parent(), { error: 'no route' })).toBe(false);
    expect(failed.outputs.ex_data).toBe('no route');
  });
});

import { ComponentData } from '../service';
import { createParentData } from '../testing';
import { WaitCallbackComponent } from './wait-callback.component';

describe('wait_callback component', () => {
  const component = new WaitCallbackComponent();

  it('waits after execute', () => {
    const data = new ComponentData({});
    expect(component.scheduleType).toBe('callback');
    expect(component.execute()).toBe(true);
    expect(data.scheduleFinished).toBe(false);
  });

  it('finishes on callback, spreading object data into outputs plus callback_data', () => {
    const data = new ComponentData({});
    const callbackData = { approved: true, by: 'ada' };
    expect(component.schedule(data, createParentData(), callbackData)).toBe(true);
    expect(data.scheduleFinished).toBe(true);
    expect(data.outputs).toEqual({ approved: true, by: 'ada', callback_data: callbackData });
  });

  it('outputs only callback_data for non-object data, null when none', () => {
    const list = new ComponentData({});
    component.schedule(list, createParentData(), [1, 2]);
    expect(list.outputs).toEqual({ callback_data: [1, 2] });

    const text = new ComponentData({});
    component.schedule(text, createParentData(), 'ok');
    expect(text.outputs).toEqual({ callback_data: 'ok' });

    const none = new ComponentData({});
    component.schedule(none, createParentData());
    expect(none.outputs).toEqual({ callback_data: null });
    expect(none.scheduleFinished).toBe(true);
  });

  it('keeps the whole value in callback_data even if the data has that key', () => {
    const data = new ComponentData({});
    component.schedule(data, createParentData(), { callback_data: 'inner' });
    expect(data.outputs.callback_data).toEqual({ callback_data: 'inner' });
  });
});

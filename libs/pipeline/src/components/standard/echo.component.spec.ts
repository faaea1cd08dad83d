import { ComponentData } from '../service';
import { EchoComponent } from './echo.component';

describe('echo component', () => {
  it('copies every input to the output of the same key', () => {
    const inputs = { a: 1, b: 'two', c: { d: [3] }, e: null };
    const data = new ComponentData(inputs);
    expect(new EchoComponent().execute(data)).toBe(true);
    expect(data.outputs).toEqual(inputs);
  });

  it('is idempotent: running twice gives the same outputs', () => {
    const component = new EchoComponent();
    const data = new ComponentData({ x: 13 });
    component.execute(data);
    component.execute(data);
    expect(data.outputs).toEqual({ x: 13 });
  });
});

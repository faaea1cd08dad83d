import { NoopComponent } from './noop.component';

describe('noop component', () => {
  it('succeeds and is not scheduled', () => {
    const component = new NoopComponent();
    expect(component.execute()).toBe(true);
    expect(component.scheduleType).toBeUndefined();
  });
});

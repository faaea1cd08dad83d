import { Test as NestTest } from '@nestjs/testing';
import { ComponentRegistry } from '../component-registry.service';
import { ComponentsModule } from '../components.module';
import { ComponentData } from '../service';
import {
  OrderlinesTestAddComponent,
  OrderlinesTestMultiComponent,
  OrderlinesTestSubtractionComponent,
} from './orderlines-test.components';

describe("orderlines' sample components", () => {
  const run = (
    component: { execute(d: ComponentData): boolean },
    inputs: Record<string, unknown>,
  ) => {
    const data = new ComponentData(inputs);
    return { ok: component.execute(data), outputs: data.outputs };
  };

  it.each([
    ['Test.test_add', new OrderlinesTestAddComponent(), { add_value: 5 }],
    ['Test.test_subtraction', new OrderlinesTestSubtractionComponent(), { subtraction_value: -1 }],
    ['Test.test_multi', new OrderlinesTestMultiComponent(), { subtraction_value: 6 }],
  ] as const)('%s(2, 3)', (_code, component, outputs) => {
    expect(run(component, { a: 2, b: 3 })).toEqual({ ok: true, outputs });
  });

  it('works on floats and negatives', () => {
    expect(run(new OrderlinesTestAddComponent(), { a: -1.5, b: 0.25 })).toEqual({
      ok: true,
      outputs: { add_value: -1.25 },
    });
  });

  it.each<[Record<string, unknown>, string]>([
    [{ a: '1', b: 2 }, "TypeError: unsupported operand type(s) for +: 'str' and 'int'"],
    [{ a: 1 }, "TypeError: unsupported operand type(s) for +: 'int' and 'NoneType'"],
    [{ a: true, b: 1.5 }, "TypeError: unsupported operand type(s) for +: 'bool' and 'float'"],
    [{ a: [1], b: {} }, "TypeError: unsupported operand type(s) for +: 'list' and 'dict'"],
  ])('fails like Python on %j', (inputs, message) => {
    expect(run(new OrderlinesTestAddComponent(), inputs)).toEqual({
      ok: false,
      outputs: { ex_data: message },
    });
  });

  it('is idempotent', () => {
    const c = new OrderlinesTestMultiComponent();
    const data = new ComponentData({ a: 4, b: 5 });
    c.execute(data);
    c.execute(data);
    expect(data.outputs).toEqual({ subtraction_value: 20 });
  });

  it('is registered under the dotted codes among the standard components', async () => {
    const moduleRef = await NestTest.createTestingModule({ imports: [ComponentsModule] }).compile();
    moduleRef.useLogger(false);
    await moduleRef.init();
    const registry = moduleRef.get(ComponentRegistry);
    expect(registry.has('Test.test_add')).toBe(true);
    expect(registry.get('Test.test_add')).toBeInstanceOf(OrderlinesTestAddComponent);
    expect(registry.get('Test.test_subtraction')).toBeInstanceOf(
      OrderlinesTestSubtractionComponent,
    );
    expect(registry.get('Test.test_multi')).toBeInstanceOf(OrderlinesTestMultiComponent);
    expect(registry.has('test_add')).toBe(false);
    await moduleRef.close();
  });
});

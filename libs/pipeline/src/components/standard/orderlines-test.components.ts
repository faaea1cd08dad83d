import { PipelineComponent } from '../pipeline-component.decorator';
import { Service, type ComponentData, type FieldFormat } from '../service';

/**
 * orderlines' sample library `Test` (DESIGN §8.2), so its sample processes run unchanged:
 * `Test.test_add(a, b)`, `Test.test_subtraction(a, b)`, `Test.test_multi(a, b)`. As in Python,
 * `a` and `b` must be numbers: anything else (a string such as `"1"` included) fails the node
 * with a `TypeError` message, like orderlines' own run does. Pure and idempotent.
 */

type Operator = '+' | '-' | '*';

/** Python's name for a value's type, for the TypeError message. */
function pythonType(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'list';
  return 'dict';
}

/** Applies `op` to inputs `a` and `b` into output `key`; fails the node unless both are numbers. */
function arithmetic(data: ComponentData, op: Operator, key: string): boolean {
  const { a, b } = data.inputs;
  if (
    typeof a !== 'number' ||
    typeof b !== 'number' ||
    !Number.isFinite(a) ||
    !Number.isFinite(b)
  ) {
    data.setOutput(
      'ex_data',
      `TypeError: unsupported operand type(s) for ${op}: '${pythonType(a)}' and '${pythonType(b)}'`,
    );
    return false;
  }
  data.setOutput(key, op === '+' ? a + b : op === '-' ? a - b : a * b);
  return true;
}

const NUMBER_INPUTS: FieldFormat[] = [
  {
    key: 'a',
    type: 'number',
    required: true,
    description: 'A number (a string fails, as in Python).',
  },
  {
    key: 'b',
    type: 'number',
    required: true,
    description: 'A number (a string fails, as in Python).',
  },
];

/** One of the samples: `op` over inputs `a` and `b` into output `key`. */
abstract class ArithmeticSample extends Service {
  protected abstract readonly op: Operator;
  protected abstract readonly key: string;

  execute(data: ComponentData): boolean {
    return arithmetic(data, this.op, this.key);
  }

  override inputsFormat(): FieldFormat[] {
    return NUMBER_INPUTS;
  }

  override outputsFormat(): FieldFormat[] {
    return [{ key: this.key, type: 'number', description: `a ${this.op} b` }];
  }
}

/** `Test.test_add(a, b)` → `{add_value: a + b}`. */
@PipelineComponent({
  code: 'Test.test_add',
  name: 'Test.test_add',
  description: "orderlines' sample: add_value = a + b.",
})
export class OrderlinesTestAddComponent extends ArithmeticSample {
  protected readonly op = '+';
  protected readonly key = 'add_value';
}

/** `Test.test_subtraction(a, b)` → `{subtraction_value: a - b}`. */
@PipelineComponent({
  code: 'Test.test_subtraction',
  name: 'Test.test_subtraction',
  description: "orderlines' sample: subtraction_value = a - b.",
})
export class OrderlinesTestSubtractionComponent extends ArithmeticSample {
  protected readonly op = '-';
  protected readonly key = 'subtraction_value';
}

/** `Test.test_multi(a, b)` → `{subtraction_value: a * b}` (the key is orderlines' own). */
@PipelineComponent({
  code: 'Test.test_multi',
  name: 'Test.test_multi',
  description: "orderlines' sample: subtraction_value = a * b (orderlines names the product so).",
})
export class OrderlinesTestMultiComponent extends ArithmeticSample {
  protected readonly op = '*';
  protected readonly key = 'subtraction_value';
}

/** The three, as Nest providers. */
export const ORDERLINES_TEST_COMPONENTS = [
  OrderlinesTestAddComponent,
  OrderlinesTestSubtractionComponent,
  OrderlinesTestMultiComponent,
];

import { ComponentInputError, InputReader, failWith, readInputs } from './component-inputs';
import { ComponentData } from './service';

describe('InputReader', () => {
  const reader = (inputs: Record<string, unknown>) => new InputReader(inputs);

  it('reads numbers, accepting numeric strings and applying defaults and bounds', () => {
    expect(reader({ n: 5 }).number('n')).toBe(5);
    expect(reader({ n: ' 2.5 ' }).number('n')).toBe(2.5);
    expect(reader({}).number('n', { default: 7 })).toBe(7);
    expect(reader({ n: null }).number('n', { default: 7 })).toBe(7);
    expect(() => reader({}).number('n')).toThrow("input 'n' is required (a number)");
    expect(() => reader({ n: 'abc' }).number('n', { min: 0 })).toThrow(
      `input 'n' must be a number >= 0, got "abc"`,
    );
    expect(() => reader({ n: '' }).number('n')).toThrow(ComponentInputError);
    expect(() => reader({ n: -1 }).number('n', { min: 0 })).toThrow('>= 0');
    expect(() => reader({ n: 0 }).number('n', { greaterThan: 0, max: 10 })).toThrow(
      'a number > 0 and <= 10',
    );
    expect(() => reader({ n: 1.5 }).number('n', { integer: true })).toThrow('an integer');
    expect(() => reader({ n: Infinity }).number('n')).toThrow(ComponentInputError);
    expect(() => reader({ n: true }).number('n')).toThrow('got true');
  });

  it('reads strings, booleans and objects', () => {
    expect(reader({ s: 'x' }).string('s')).toBe('x');
    expect(reader({}).string('s', { default: 'd' })).toBe('d');
    expect(() => reader({ s: ' ' }).string('s', { nonEmpty: true })).toThrow('a non-empty string');
    expect(() => reader({ s: 3 }).string('s')).toThrow("input 's' must be a string, got 3");
    expect(reader({ b: false }).boolean('b')).toBe(false);
    expect(reader({ b: 'TRUE' }).boolean('b')).toBe(true);
    expect(reader({}).boolean('b', { default: true })).toBe(true);
    expect(() => reader({ b: 'yes' }).boolean('b')).toThrow('true or false');
    expect(reader({ o: { a: 1 } }).object('o')).toEqual({ a: 1 });
    expect(reader({}).object('o')).toBeUndefined();
    expect(() => reader({ o: [1] }).object('o')).toThrow('an object');
    expect(() => reader({}).object('o', { required: true })).toThrow('required');
  });

  it('keeps long bad values short in messages', () => {
    expect(() => reader({ n: 'x'.repeat(500) }).number('n')).toThrow(/\.\.\.$/);
  });
});

describe('readInputs / failWith', () => {
  it('returns the parsed inputs', () => {
    const data = new ComponentData({ n: 1 });
    expect(readInputs(data, (r) => ({ n: r.number('n') }))).toEqual({ n: 1 });
    expect(data.outputs).toEqual({});
  });

  it('turns a ComponentInputError into ex_data and returns undefined', () => {
    const data = new ComponentData({ n: 'abc' });
    expect(readInputs(data, (r) => ({ n: r.number('n') }))).toBeUndefined();
    expect(data.outputs.ex_data).toBe(`input 'n' must be a number, got "abc"`);
  });

  it('lets other errors through', () => {
    const data = new ComponentData({});
    expect(() =>
      readInputs(data, () => {
        throw new TypeError('boom');
      }),
    ).toThrow('boom');
  });

  it('failWith sets ex_data and returns false', () => {
    const data = new ComponentData({});
    expect(failWith(data, 'why')).toBe(false);
    expect(data.outputs.ex_data).toBe('why');
  });
});

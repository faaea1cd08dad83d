import { fail } from './eval-failure';
import {
  checkLength,
  compareValues,
  isNumericString,
  isPlainObject,
  stringify,
  truthy,
  typeName,
} from './values';

/** A function callable from expressions: pure, on data values only. */
export interface ExpressionFunction {
  minArgs: number;
  maxArgs: number;
  call(args: unknown[]): unknown;
}

const toNumber = (name: string, v: unknown): number => {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (isNumericString(v)) return Number(v);
  const shown = typeof v === 'string' ? ` "${v.length > 40 ? `${v.slice(0, 40)}…` : v}"` : '';
  return fail(`${name}() cannot convert ${typeName(v)}${shown} to a number`);
};

const number = (name: string, v: unknown): number =>
  typeof v === 'number' ? v : fail(`${name}() expects a number, got ${typeName(v)}`);

const string = (name: string, v: unknown): string =>
  typeof v === 'string' ? v : fail(`${name}() expects a string, got ${typeName(v)}`);

/** min/max over `(a, b, ...)` or over one list argument. */
const extreme =
  (name: string, sign: 1 | -1) =>
  (args: unknown[]): unknown => {
    const items = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
    if (items.length === 0) fail(`${name}() of an empty list`);
    let best = items[0];
    for (let i = 1; i < items.length; i++) {
      if (sign * compareValues(items[i], best, name) > 0) best = items[i];
    }
    return best;
  };

/**
 * The only functions an expression may call (`len(x)`, never `x.len()`):
 *
 * | function | does |
 * |---|---|
 * | `len(x)` | characters of a string, items of a list, keys of an object |
 * | `str(x)` | the text a template would splice (null → `""`, lists/objects → JSON) |
 * | `int(x)` | number, numeric string or boolean → integer (truncates toward zero) |
 * | `float(x)` | number, numeric string or boolean → number |
 * | `bool(x)` | truthiness (`0`, `""`, `[]`, `{}`, null → false) |
 * | `abs(n)` | absolute value |
 * | `min(a, b, ...)`, `max(...)` | smallest / largest, of the arguments or of one list |
 * | `round(n, digits = 0)` | rounds half away from zero (not Python's banker's rounding) |
 * | `lower(s)`, `upper(s)`, `strip(s)` | case conversion, trims whitespace at both ends |
 */
export const FUNCTIONS: ReadonlyMap<string, ExpressionFunction> = new Map<
  string,
  ExpressionFunction
>([
  [
    'len',
    {
      minArgs: 1,
      maxArgs: 1,
      call: ([v]) => {
        if (typeof v === 'string' || Array.isArray(v)) return v.length;
        if (isPlainObject(v)) return Object.keys(v).length;
        return fail(`len() of ${typeName(v)}`);
      },
    },
  ],
  ['str', { minArgs: 1, maxArgs: 1, call: ([v]) => stringify(v) }],
  [
    'int',
    {
      minArgs: 1,
      maxArgs: 1,
      call: ([v]) => {
        const n = Math.trunc(toNumber('int', v));
        return Object.is(n, -0) ? 0 : n;
      },
    },
  ],
  ['float', { minArgs: 1, maxArgs: 1, call: ([v]) => toNumber('float', v) }],
  ['bool', { minArgs: 1, maxArgs: 1, call: ([v]) => truthy(v) }],
  ['abs', { minArgs: 1, maxArgs: 1, call: ([v]) => Math.abs(number('abs', v)) }],
  ['min', { minArgs: 1, maxArgs: Infinity, call: extreme('min', -1) }],
  ['max', { minArgs: 1, maxArgs: Infinity, call: extreme('max', 1) }],
  [
    'round',
    {
      minArgs: 1,
      maxArgs: 2,
      call: ([v, d]) => {
        const n = number('round', v);
        const digits = d === undefined || d === null ? 0 : number('round', d);
        if (!Number.isInteger(digits) || digits < 0 || digits > 15) {
          fail('round() digits must be an integer from 0 to 15');
        }
        const f = 10 ** digits;
        const r = (Math.sign(n) * Math.round(Math.abs(n) * f)) / f;
        return Object.is(r, -0) ? 0 : r;
      },
    },
  ],
  ['lower', { minArgs: 1, maxArgs: 1, call: ([v]) => string('lower', v).toLowerCase() }],
  [
    'upper',
    { minArgs: 1, maxArgs: 1, call: ([v]) => checkLength(string('upper', v).toUpperCase()) },
  ],
  ['strip', { minArgs: 1, maxArgs: 1, call: ([v]) => string('strip', v).trim() }],
]);

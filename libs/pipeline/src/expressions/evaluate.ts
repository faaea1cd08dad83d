import type { BinaryOp, CompiledTemplate, Expr } from './compile';
import { FORBIDDEN_NAMES } from './compile';
import { EvalFailure, fail, missing } from './eval-failure';
import { EXPRESSION_LIMITS } from './expression-limits';
import { FUNCTIONS } from './functions';
import type { VariableScope } from './variable-scope';
import {
  checkLength,
  compareValues,
  isPlainObject,
  looseEquals,
  stringify,
  truthy,
  typeName,
} from './values';

/**
 * Tree-walking evaluator over the whitelisted tree built by compile.ts. It reads variables
 * only through the scope, reads only own data properties of plain objects / lists /
 * strings, and calls only the functions of functions.ts: there is no path from an
 * expression to a prototype, a method or the host.
 */

/** Evaluates one node; failures carry the position of the innermost node that failed. */
export function evaluate(e: Expr, scope: VariableScope): unknown {
  try {
    return evaluateInner(e, scope);
  } catch (err) {
    if (err instanceof EvalFailure && err.position === undefined) err.position = e.pos;
    throw err;
  }
}

function evaluateInner(e: Expr, scope: VariableScope): unknown {
  switch (e.t) {
    case 'lit':
      return e.value;
    case 'tpl':
      try {
        return renderText(e.template, scope, false);
      } catch (err) {
        // Offsets inside the string's own template mean nothing in the outer source.
        if (err instanceof EvalFailure) err.position = e.pos;
        throw err;
      }
    case 'var':
      return readVariable(e.name, scope);
    case 'member': {
      const object = evaluate(e.object, scope);
      if (e.optional && (object === null || object === undefined)) return null;
      return readMember(object, evaluate(e.key, scope));
    }
    case 'call': {
      const fn = FUNCTIONS.get(e.fn);
      if (!fn) return fail(`'${e.fn}' is not a function that can be called`);
      const args = e.args.map((a) => evaluate(a, scope));
      return fn.call(args);
    }
    case 'not':
      return !truthy(evaluate(e.arg, scope));
    case 'neg': {
      const v = evaluate(e.arg, scope);
      if (typeof v !== 'number') return fail(`cannot negate ${typeName(v)}`);
      return v === 0 ? 0 : -v;
    }
    case 'pos': {
      const v = evaluate(e.arg, scope);
      return typeof v === 'number' ? v : fail(`unary '+' expects a number, got ${typeName(v)}`);
    }
    case 'and': {
      const left = evaluate(e.left, scope);
      return truthy(left) ? evaluate(e.right, scope) : left;
    }
    case 'or': {
      const left = evaluate(e.left, scope);
      return truthy(left) ? left : evaluate(e.right, scope);
    }
    case 'bin':
      return binary(e.op, evaluate(e.left, scope), evaluate(e.right, scope));
    case 'cond':
      return truthy(evaluate(e.test, scope))
        ? evaluate(e.then, scope)
        : evaluate(e.otherwise, scope);
    case 'list':
      return e.items.map((item) => evaluate(item, scope));
  }
}

/** Values an expression may hold: data only (functions, symbols, bigints are refused). */
function dataValue(v: unknown, what: string): unknown {
  if (v === undefined) return null;
  const t = typeof v;
  if (t === 'function' || t === 'symbol' || t === 'bigint')
    return fail(`${what} holds an unsupported value (${t})`);
  return v;
}

function readVariable(name: string, scope: VariableScope): unknown {
  if (!scope.has(name)) return missing(`variable '${name}' is not defined`, name);
  return dataValue(scope.get(name), `variable '${name}'`);
}

/** `o.k`, `o[k]`: own data properties of plain objects, integer indexes of lists and strings. */
function readMember(object: unknown, key: unknown): unknown {
  if (Array.isArray(object) || typeof object === 'string') {
    if (typeof key !== 'number' || !Number.isInteger(key)) {
      return fail(
        `a ${typeName(object)} is indexed by integers, not by ${typeName(key)} ${keyText(key)}`,
      );
    }
    const index = key < 0 ? object.length + key : key;
    if (index < 0 || index >= object.length) {
      return missing(
        `index ${key} is out of range for a ${typeName(object)} of length ${object.length}`,
      );
    }
    return dataValue(object[index], `index ${key}`);
  }
  if (isPlainObject(object)) {
    if (typeof key !== 'string' && typeof key !== 'number') {
      return fail(`an object key must be a string, not ${typeName(key)}`);
    }
    const name = String(key);
    if (FORBIDDEN_NAMES.has(name)) return fail(`the property '${name}' is not allowed`);
    const descriptor = Object.getOwnPropertyDescriptor(object, name);
    if (!descriptor) return missing(`the object has no key ${keyText(name)}`);
    if (!('value' in descriptor))
      return fail(`the property ${keyText(name)} is not a data property`);
    return dataValue(descriptor.value, `the key ${keyText(name)}`);
  }
  return fail(`cannot read ${keyText(key)} of ${typeName(object)}`);
}

function keyText(key: unknown): string {
  if (typeof key === 'number') return String(key);
  if (typeof key !== 'string') return '';
  return `'${key.length > 40 ? `${key.slice(0, 40)}…` : key}'`;
}

function finite(n: number, op: string): number {
  if (!Number.isFinite(n)) return fail(`'${op}' gives a number out of range`);
  return n;
}

function binary(op: BinaryOp, a: unknown, b: unknown): unknown {
  switch (op) {
    case '==':
      return looseEquals(a, b);
    case '!=':
      return !looseEquals(a, b);
    case '<':
      return compareValues(a, b, op) < 0;
    case '>':
      return compareValues(a, b, op) > 0;
    case '<=':
      return compareValues(a, b, op) <= 0;
    case '>=':
      return compareValues(a, b, op) >= 0;
    case 'in':
      return contains(b, a, op);
    case 'notin':
      return !contains(b, a, op);
    case 'issuperset':
      return isSuperset(a, b, op);
    case 'notissuperset':
      return !isSuperset(a, b, op);
    case '+':
      return add(a, b);
    case '*':
      return multiply(a, b);
    case '-':
    case '/':
    case '//':
    case '%':
      return arithmetic(op, a, b);
  }
}

/** `item in container`: list membership (with `==`), substring, own key of an object. */
function contains(container: unknown, item: unknown, op: string): boolean {
  if (Array.isArray(container)) return container.some((x) => looseEquals(item, x));
  if (typeof container === 'string') {
    if (typeof item === 'string') return container.includes(item);
    if (typeof item === 'number') return container.includes(String(item));
    return fail(`'${op}' on a string needs a string on the left, got ${typeName(item)}`);
  }
  if (isPlainObject(container)) {
    if (typeof item !== 'string' && typeof item !== 'number') {
      return fail(`'${op}' on an object needs a key on the left, got ${typeName(item)}`);
    }
    return Object.prototype.hasOwnProperty.call(container, String(item));
  }
  return fail(`'${op}' needs a list, string or object on the right, got ${typeName(container)}`);
}

/** `a issuperset b`: every item of b is `in` a; a string on either side counts as a one-item list. */
function isSuperset(a: unknown, b: unknown, op: string): boolean {
  const asList = (v: unknown, side: string): unknown[] => {
    if (Array.isArray(v)) return v;
    if (typeof v === 'string') return [v];
    return fail(`'${op}' needs a list on the ${side}, got ${typeName(v)}`);
  };
  const whole = asList(a, 'left');
  return asList(b, 'right').every((item) => whole.some((x) => looseEquals(item, x)));
}

/** Numbers add; a string with a string, number or boolean concatenates; lists concatenate. */
function add(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') return finite(a + b, '+');
  const textual = (v: unknown): boolean =>
    typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  if ((typeof a === 'string' && textual(b)) || (typeof b === 'string' && textual(a))) {
    const sa = stringify(a);
    const sb = stringify(b);
    if (sa.length + sb.length > EXPRESSION_LIMITS.maxStringLength) {
      return fail(
        `'+' would make a string longer than ${EXPRESSION_LIMITS.maxStringLength} characters`,
      );
    }
    return sa + sb;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length + b.length > EXPRESSION_LIMITS.maxListLength) {
      return fail(`'+' would make a list longer than ${EXPRESSION_LIMITS.maxListLength} items`);
    }
    return [...a, ...b];
  }
  return fail(`cannot add ${typeName(a)} and ${typeName(b)}`);
}

/** Numbers multiply; `"ab" * 3` (or `3 * "ab"`) repeats a string, as in Python. */
function multiply(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') return finite(a * b, '*');
  const [s, n] = typeof a === 'string' ? [a, b] : [b, a];
  if (typeof s === 'string' && typeof n === 'number') {
    if (!Number.isInteger(n))
      return fail(`a string can only be repeated an integer number of times`);
    if (n <= 0 || s.length === 0) return '';
    if (s.length * n > EXPRESSION_LIMITS.maxStringLength) {
      return fail(
        `'*' would make a string longer than ${EXPRESSION_LIMITS.maxStringLength} characters`,
      );
    }
    return s.repeat(n);
  }
  return fail(`cannot multiply ${typeName(a)} and ${typeName(b)}`);
}

/** `- / // %` on numbers; `//` and `%` floor like Python (`-7 // 2 == -4`, `-7 % 2 == 1`). */
function arithmetic(op: '-' | '/' | '//' | '%', a: unknown, b: unknown): number {
  if (typeof a !== 'number' || typeof b !== 'number') {
    return fail(`'${op}' needs numbers, got ${typeName(a)} and ${typeName(b)}`);
  }
  if (op === '-') return finite(a - b, op);
  if (b === 0) return fail('division by zero');
  if (op === '/') return finite(a / b, op);
  if (op === '//') return finite(Math.floor(a / b), op);
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r === 0 ? 0 : r;
}

/**
 * Renders a compiled template to text. `keepUnresolved`: a slot that reads an undefined
 * variable, absent key or index is left as written (top-level templates); otherwise the
 * failure propagates (strings inside an expression).
 */
export function renderText(
  tpl: CompiledTemplate,
  scope: VariableScope,
  keepUnresolved: boolean,
): string {
  let out = '';
  for (const part of tpl.parts) {
    if (typeof part === 'string') {
      out += part;
    } else {
      try {
        out += stringify(evaluate(part.expr, scope));
      } catch (err) {
        if (!(keepUnresolved && err instanceof EvalFailure && err.missing)) throw err;
        out += part.raw;
      }
    }
    checkLength(out);
  }
  return out;
}

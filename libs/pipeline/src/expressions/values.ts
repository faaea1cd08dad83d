import { EXPRESSION_LIMITS } from './expression-limits';
import { fail } from './eval-failure';

/**
 * Value semantics of the expression language (documented in README.md beside this file):
 * Python-like truthiness, bamboo-like loose equality between numbers and numeric strings,
 * deep equality of lists and objects, and how values are spliced into text.
 */

/** An object literal / JSON object: prototype is Object.prototype or null. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Name of a value's type for messages: null, boolean, number, string, list, object. */
export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') {
    return isPlainObject(v) ? 'object' : Object.prototype.toString.call(v).slice(8, -1);
  }
  return typeof v;
}

/** Python truthiness: false, null, 0, "", [] and {} are false; everything else is true. */
export function truthy(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (isPlainObject(v)) return Object.keys(v).length > 0;
  return true;
}

/** Unambiguous (no nested quantifiers over the same characters): linear on any input. */
const NUMERIC = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
/** Longer text is never taken for a number (and never scanned). */
const MAX_NUMERIC_TEXT = 400;

/** A finite decimal number written as text (`"5"`, `" -2.5 "`, `"1e3"`); not `""`, `"0x10"` or `"Infinity"`. */
export function isNumericString(v: unknown): v is string {
  return (
    typeof v === 'string' &&
    v.length <= MAX_NUMERIC_TEXT &&
    NUMERIC.test(v) &&
    Number.isFinite(Number(v))
  );
}

/**
 * `==`: equal scalars; a number equals a numeric string of the same value (`5 == "5"`,
 * because bamboo renders `${x}` into text before comparing); lists and objects compare
 * deeply and strictly (no string/number coercion inside them); null only equals null.
 */
export function looseEquals(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'string') return isNumericString(b) && a === Number(b);
  if (typeof a === 'string' && typeof b === 'number') return isNumericString(a) && Number(a) === b;
  return deepEquals(a, b, 0);
}

function deepEquals(a: unknown, b: unknown, depth: number): boolean {
  if (a === b) return true;
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (depth > EXPRESSION_LIMITS.maxValueDepth) fail('values are nested too deeply to compare');
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEquals(a[i], b[i], depth + 1)) return false;
    return true;
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k) || !deepEquals(a[k], b[k], depth + 1))
      return false;
  }
  return true;
}

/**
 * Ordering for `< > <= >=`, `min`, `max`: numbers, strings (by UTF-16 code units), or a
 * number and a numeric string (numerically). Anything else is a type error, as in Python.
 */
export function compareValues(a: unknown, b: unknown, op: string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number' && isNumericString(b)) return a - Number(b);
  if (isNumericString(a) && typeof b === 'number') return Number(a) - b;
  return fail(`cannot compare ${typeName(a)} and ${typeName(b)} with '${op}'`);
}

/**
 * Text of a value spliced into a template or given to `str()`: strings as they are,
 * numbers in JavaScript notation (`13`, `0.5`), booleans as `true`/`false`, null as the
 * empty string, lists and objects as compact JSON.
 */
export function stringify(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  let text: string | undefined;
  try {
    text = JSON.stringify(v);
  } catch {
    return fail(`cannot convert ${typeName(v)} to text (cyclic or too deep)`);
  }
  if (text === undefined) return fail(`cannot convert ${typeName(v)} to text`);
  return checkLength(text);
}

export function checkLength(s: string): string {
  if (s.length > EXPRESSION_LIMITS.maxStringLength) {
    fail(`string longer than ${EXPRESSION_LIMITS.maxStringLength} characters`);
  }
  return s;
}

/** Deep copy of lists and plain objects (other values as they are), so results never alias the scope. */
export function cloneData(v: unknown, depth = 0): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (depth > EXPRESSION_LIMITS.maxValueDepth)
    fail(`value nested deeper than ${EXPRESSION_LIMITS.maxValueDepth} levels`);
  if (Array.isArray(v)) return v.map((x) => cloneData(x, depth + 1));
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) setOwn(out, k, cloneData(v[k], depth + 1));
  return out;
}

/** `out[key] = value` that creates an own property even for the key `__proto__`. */
export function setOwn(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(out, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    out[key] = value;
  }
}

import { evaluateExpression, type VariableScope } from '../expressions';
import type { ResultBinding, ResultCast } from '../model/tree.types';

/**
 * Result bindings (`ServiceActivity.results`): variables an activity sets in its scope when it
 * finishes successfully — orderlines' `result` list (DESIGN §8.2), usable by any tree. Pure.
 *
 * - A string value containing `${` is an expression of the safe expression language in which
 *   `${k}` (or a bare `k`) reads key `k` of the outputs the component returned, then earlier
 *   bindings of the same list, then the scope's variables; `${return_value}` is the outputs
 *   object, or its only value when it has exactly one key. So `"${add_value}+1"` is a number
 *   and `+` joins strings. Any other value is taken as written.
 * - `type` casts the value (see `castResult`); a value that cannot be cast, or an expression
 *   that cannot be evaluated, fails the activity with that reason.
 */

/** The name under which a result expression sees the whole returned object. */
export const RETURN_VALUE = 'return_value';

export type ResultsOutcome =
  { ok: true; values: Array<{ variable: string; value: unknown }> } | { ok: false; error: string };

const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** Evaluates every binding in order against the returned `outputs` over `scope`. */
export function evaluateResults(
  bindings: readonly ResultBinding[],
  outputs: Readonly<Record<string, unknown>>,
  scope: VariableScope,
): ResultsOutcome {
  const keys = Object.keys(outputs);
  const returnValue = keys.length === 1 ? outputs[keys[0]] : outputs;
  const assigned = new Map<string, unknown>();
  const view: VariableScope = {
    has: (name) =>
      own(outputs, name) || name === RETURN_VALUE || assigned.has(name) || scope.has(name),
    get: (name) => {
      if (own(outputs, name)) return outputs[name];
      if (name === RETURN_VALUE) return returnValue;
      if (assigned.has(name)) return assigned.get(name);
      return scope.get(name);
    },
  };
  const values: Array<{ variable: string; value: unknown }> = [];
  for (const binding of bindings) {
    let value: unknown;
    try {
      value =
        typeof binding.value === 'string' && binding.value.includes('${')
          ? evaluateExpression(binding.value, view)
          : binding.value;
    } catch (e) {
      return { ok: false, error: `result '${binding.variable}': ${(e as Error).message}` };
    }
    if (binding.type) {
      const cast = castResult(value, binding.type);
      if (!cast.ok) return { ok: false, error: `result '${binding.variable}': ${cast.error}` };
      value = cast.value;
    }
    assigned.set(binding.variable, value);
    values.push({ variable: binding.variable, value });
  }
  return { ok: true, values };
}

export type CastOutcome = { ok: true; value: unknown } | { ok: false; error: string };

function show(value: unknown): string {
  const text =
    typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;
const BOOLEAN_TEXT: Record<string, boolean> = { true: true, false: false, '1': true, '0': false };

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Casts a result to orderlines' `variable_type`, as Python would where it is strict:
 * - `int`: an integer number, a number truncated toward zero, a boolean (0/1) or integer text
 *   (`" 42 "`; `"4.2"` fails, as `int("4.2")` does);
 * - `float`: a finite number, a boolean or numeric text;
 * - `str`: text as is, numbers and booleans as text (`true`), lists and objects as JSON, null
 *   as `""` — the text a template would splice;
 * - `dict` / `list`: an object / list, or JSON text of one;
 * - `bool`: a boolean, 0 / 1, or the text `true` / `false` / `1` / `0` (any case).
 * Anything else cannot be cast.
 */
export function castResult(value: unknown, type: ResultCast): CastOutcome {
  const no = (): CastOutcome => ({ ok: false, error: `cannot cast ${show(value)} to ${type}` });
  switch (type) {
    case 'int':
      if (typeof value === 'number')
        return Number.isFinite(value) ? { ok: true, value: Math.trunc(value) } : no();
      if (typeof value === 'boolean') return { ok: true, value: value ? 1 : 0 };
      if (typeof value === 'string' && INTEGER_TEXT.test(value)) {
        const n = Number(value.trim());
        return Number.isSafeInteger(n) ? { ok: true, value: n } : no();
      }
      return no();
    case 'float':
      if (typeof value === 'number') return Number.isFinite(value) ? { ok: true, value } : no();
      if (typeof value === 'boolean') return { ok: true, value: value ? 1 : 0 };
      if (typeof value === 'string' && value.trim() !== '') {
        const n = Number(value.trim());
        return Number.isFinite(n) ? { ok: true, value: n } : no();
      }
      return no();
    case 'str':
      if (typeof value === 'string') return { ok: true, value };
      if (value === null || value === undefined) return { ok: true, value: '' };
      if (typeof value === 'number' || typeof value === 'boolean')
        return { ok: true, value: String(value) };
      return { ok: true, value: JSON.stringify(value) };
    case 'dict': {
      const v = typeof value === 'string' ? parseJson(value) : value;
      return v !== null && typeof v === 'object' && !Array.isArray(v)
        ? { ok: true, value: v }
        : no();
    }
    case 'list': {
      const v = typeof value === 'string' ? parseJson(value) : value;
      return Array.isArray(v) ? { ok: true, value: v } : no();
    }
    case 'bool':
      if (typeof value === 'boolean') return { ok: true, value };
      if (value === 0 || value === 1) return { ok: true, value: value === 1 };
      if (typeof value === 'string' && own(BOOLEAN_TEXT, value.trim().toLowerCase())) {
        return { ok: true, value: BOOLEAN_TEXT[value.trim().toLowerCase()] };
      }
      return no();
  }
}

import { collectReferences, compileExpression, compileTemplate } from './compile';
import { evaluate, renderText } from './evaluate';
import { EvalFailure } from './eval-failure';
import { EXPRESSION_LIMITS } from './expression-limits';
import { ExpressionError } from './expression.error';
import { ParseFailure } from './jsep-parser';
import type { VariableScope } from './variable-scope';
import { cloneData, isPlainObject, setOwn, truthy } from './values';

/** Turns an internal failure into the public error; anything else (a scope's own error) passes through. */
function toPublic(source: string, e: unknown): unknown {
  if (e instanceof ParseFailure) return new ExpressionError(source, e.reason, e.position);
  if (e instanceof EvalFailure) {
    return new ExpressionError(
      source,
      e.reason,
      e.position,
      e.variable === undefined ? {} : { variable: e.variable },
    );
  }
  return e;
}

function requireString(src: unknown): string {
  if (typeof src !== 'string')
    throw new ExpressionError(String(src), `an expression must be a string, got ${typeof src}`);
  return src;
}

/** bamboo's match-all condition. */
const MATCH_ALL = '*';

/**
 * Evaluates one expression (the text inside `${...}`, e.g. `base * 2 + 1`) and returns its
 * value; lists and objects are fresh copies. Throws ExpressionError, also for an undefined
 * variable.
 */
export function evaluateExpression(src: string, scope: VariableScope): unknown {
  requireString(src);
  try {
    return cloneData(evaluate(compileExpression(src), scope));
  } catch (e) {
    throw toPublic(src, e);
  }
}

/**
 * Evaluates a gateway condition as bamboo writes it (`${x} > 5`, `${status} in ("ok", "done")
 * and ${n} != 0`, or `*` for "always"): `${expr}` is the expression's value, bare names are
 * variables, strings containing `${}` are rendered first. The result is coerced with
 * Python truthiness. Throws ExpressionError, also for an undefined variable.
 */
export function evaluateCondition(src: string, scope: VariableScope): boolean {
  requireString(src);
  if (src.trim() === MATCH_ALL) return true;
  try {
    return truthy(evaluate(compileExpression(src), scope));
  } catch (e) {
    throw toPublic(src, e);
  }
}

function renderString(str: string, scope: VariableScope): unknown {
  if (!str.includes('${')) return str;
  try {
    const tpl = compileTemplate(str);
    const first = tpl.parts[0];
    if (tpl.whole && typeof first !== 'string') {
      try {
        return cloneData(evaluate(first.expr, scope));
      } catch (e) {
        if (e instanceof EvalFailure && e.missing) return str;
        throw e;
      }
    }
    return renderText(tpl, scope, true);
  } catch (e) {
    throw toPublic(str, e);
  }
}

function tooDeep(): never {
  throw new ExpressionError(
    '',
    `value nested deeper than ${EXPRESSION_LIMITS.maxValueDepth} levels`,
  );
}

function renderValue(value: unknown, scope: VariableScope, depth: number): unknown {
  if (typeof value === 'string') return renderString(value, scope);
  if (Array.isArray(value)) {
    if (depth >= EXPRESSION_LIMITS.maxValueDepth) tooDeep();
    return value.map((item) => renderValue(item, scope, depth + 1));
  }
  if (isPlainObject(value)) {
    if (depth >= EXPRESSION_LIMITS.maxValueDepth) tooDeep();
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value))
      setOwn(out, key, renderValue(value[key], scope, depth + 1));
    return out;
  }
  return value;
}

/**
 * Renders the templates inside a value. A string that is exactly `${expr}` becomes the
 * expression's value with its type; other strings splice values into text; `$${` is a
 * literal `${`; a `${...}` that reads an undefined variable (or absent key / index) stays
 * as written. Lists and plain objects are rendered recursively into new containers (keys
 * untouched); other values are returned as they are. Throws ExpressionError on a syntax
 * error, a forbidden construct or a failing operation.
 */
export function renderTemplate(value: unknown, scope: VariableScope): unknown {
  return renderValue(value, scope, 0);
}

/** Calls `visit` for every string inside a value (lists and plain objects walked). */
function forEachString(value: unknown, visit: (s: string) => void, depth = 0): void {
  if (typeof value === 'string') {
    visit(value);
  } else if (Array.isArray(value) || isPlainObject(value)) {
    if (depth >= EXPRESSION_LIMITS.maxValueDepth) tooDeep();
    for (const item of Array.isArray(value) ? value : Object.values(value))
      forEachString(item, visit, depth + 1);
  }
}

function templateOf(str: string) {
  try {
    return compileTemplate(str);
  } catch (e) {
    throw toPublic(str, e);
  }
}

/** Parse-only check of a condition (syntax, forbidden constructs, functions, limits). Throws ExpressionError. */
export function checkCondition(src: string): void {
  requireString(src);
  if (src.trim() === MATCH_ALL) return;
  try {
    compileExpression(src);
  } catch (e) {
    throw toPublic(src, e);
  }
}

/** Parse-only check of every template inside a value. Throws ExpressionError (the first problem found). */
export function checkTemplate(value: unknown): void {
  forEachString(value, (s) => {
    if (s.includes('${')) templateOf(s);
  });
}

/**
 * Top-level variable names the templates inside a value read (`${a.b + c[i]}` → a, c, i),
 * in order of first appearance. Only `${...}` slots count: for a condition, whose bare
 * names are variables too, use conditionReferences. Throws ExpressionError on a syntax error.
 */
export function templateReferences(value: unknown): string[] {
  const out = new Set<string>();
  forEachString(value, (s) => {
    if (!s.includes('${')) return;
    for (const part of templateOf(s).parts)
      if (typeof part !== 'string') collectReferences(part.expr, out);
  });
  return [...out];
}

/** Variable names a condition reads, bare names and `${}` alike. Throws ExpressionError on a syntax error. */
export function conditionReferences(src: string): string[] {
  requireString(src);
  if (src.trim() === MATCH_ALL) return [];
  const out = new Set<string>();
  try {
    collectReferences(compileExpression(src), out);
  } catch (e) {
    throw toPublic(src, e);
  }
  return [...out];
}

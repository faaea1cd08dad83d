import { LRUCache } from 'lru-cache';
import { EXPRESSION_LIMITS } from './expression-limits';
import { FUNCTIONS } from './functions';
import { ParseFailure, parseEmbedded, parseSource, type RawNode } from './jsep-parser';

/**
 * Turns jsep's syntax tree into the evaluator's own small tree, refusing everything that is
 * not on the whitelist (node types, operators, functions, property names). Whatever
 * reaches the evaluator has passed through here.
 */

export type BinaryOp =
  | '=='
  | '!='
  | '<'
  | '>'
  | '<='
  | '>='
  | 'in'
  | 'notin'
  | 'issuperset'
  | 'notissuperset'
  | '+'
  | '-'
  | '*'
  | '/'
  | '//'
  | '%';

interface Base {
  pos: number;
  /** Written in parentheses or as `${...}`. */
  grouped?: boolean;
}
export type Expr =
  | (Base & { t: 'lit'; value: unknown })
  | (Base & { t: 'tpl'; template: CompiledTemplate })
  | (Base & { t: 'var'; name: string })
  | (Base & { t: 'member'; object: Expr; key: Expr; optional: boolean })
  | (Base & { t: 'call'; fn: string; args: Expr[] })
  | (Base & { t: 'not'; arg: Expr; word: boolean })
  | (Base & { t: 'neg' | 'pos'; arg: Expr })
  | (Base & { t: 'bin'; op: BinaryOp; left: Expr; right: Expr })
  | (Base & { t: 'and' | 'or'; left: Expr; right: Expr })
  | (Base & { t: 'cond'; test: Expr; then: Expr; otherwise: Expr })
  | (Base & { t: 'list'; items: Expr[] });

/** A `${...}` of a template: its text as written (kept when it cannot be resolved) and its tree. */
export interface TemplateSlot {
  raw: string;
  start: number;
  expr: Expr;
}
export interface CompiledTemplate {
  source: string;
  /** Literal text (escapes already applied) and slots, in order. */
  parts: Array<string | TemplateSlot>;
  /** The whole string is one `${...}`: rendering keeps the value's type. */
  whole: boolean;
}

/** Names never readable as variables or properties, even when they are own data keys. */
export const FORBIDDEN_NAMES: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
]);

const BINARY_OPS: Readonly<Record<string, BinaryOp | 'and' | 'or'>> = {
  or: 'or',
  OR: 'or',
  '||': 'or',
  and: 'and',
  AND: 'and',
  '&&': 'and',
  '==': '==',
  '!=': '!=',
  '<': '<',
  '>': '>',
  '<=': '<=',
  '>=': '>=',
  in: 'in',
  IN: 'in',
  notin: 'notin',
  NOTIN: 'notin',
  'not in': 'notin',
  issuperset: 'issuperset',
  ISSUPERSET: 'issuperset',
  notissuperset: 'notissuperset',
  NOTISSUPERSET: 'notissuperset',
  '+': '+',
  '-': '-',
  '*': '*',
  '/': '/',
  '//': '//',
  '%': '%',
};
const COMPARISONS: ReadonlySet<string> = new Set([
  '==',
  '!=',
  '<',
  '>',
  '<=',
  '>=',
  'in',
  'notin',
  'issuperset',
  'notissuperset',
]);
const MEMBERSHIP: ReadonlySet<string> = new Set(['in', 'notin', 'issuperset', 'notissuperset']);

const excerpt = (text: string): string => (text.length > 40 ? `${text.slice(0, 40)}…` : text);

const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function refuse(reason: string, pos: number | undefined): never {
  throw new ParseFailure(reason, pos);
}

const isComparison = (e: Expr): boolean => e.t === 'bin' && COMPARISONS.has(e.op) && !e.grouped;

/**
 * A binary node, applying Python's precedence of `not`: jsep binds unary operators
 * tightest, so `not a == b` arrives as `(not a) == b`; it becomes `not (a == b)` here
 * (the JavaScript `!` keeps binding tightest).
 */
function makeBinary(op: BinaryOp, left: Expr, right: Expr): Expr {
  if (left.t === 'not' && left.word && !left.grouped) {
    return { t: 'not', word: true, arg: makeBinary(op, left.arg, right), pos: left.pos };
  }
  if (COMPARISONS.has(op) && (isComparison(left) || isComparison(right))) {
    refuse(`comparison operators cannot be chained; write 'a < b and b < c'`, left.pos);
  }
  return { t: 'bin', op, left, right, pos: left.pos };
}

function compileNode(n: RawNode, depth: number): Expr {
  if (depth > EXPRESSION_LIMITS.maxAstDepth) {
    refuse(`expression is nested deeper than ${EXPRESSION_LIMITS.maxAstDepth} levels`, n.start);
  }
  const e = compileInner(n, depth + 1);
  if (n.group) e.grouped = true;
  return e;
}

function compileInner(n: RawNode, depth: number): Expr {
  const pos = n.start ?? 0;
  const sub = (x: unknown): Expr => compileNode(x as RawNode, depth);
  switch (n.type) {
    case 'Literal': {
      const value = n.value;
      if (typeof value === 'string' && value.includes('${')) {
        let template: CompiledTemplate;
        try {
          template = scanTemplate(value);
        } catch (e) {
          if (e instanceof ParseFailure)
            refuse(`in the string ${excerpt(n.raw as string)}: ${e.reason}`, pos);
          throw e;
        }
        return { t: 'tpl', template, pos };
      }
      if (
        value !== null &&
        typeof value !== 'string' &&
        typeof value !== 'number' &&
        typeof value !== 'boolean'
      ) {
        refuse('unsupported literal', pos);
      }
      if (typeof value === 'number' && !Number.isFinite(value))
        refuse(`the number ${excerpt(n.raw as string)} is out of range`, pos);
      return { t: 'lit', value, pos };
    }
    case 'Identifier': {
      const name = n.name as string;
      if (FORBIDDEN_NAMES.has(name)) refuse(`the name '${name}' is not allowed`, pos);
      return { t: 'var', name, pos };
    }
    case 'MemberExpression': {
      const object = sub(n.object);
      let key: Expr;
      const property = n.property as RawNode;
      if (n.computed) {
        key = sub(property);
      } else {
        key = { t: 'lit', value: property.name as string, pos: property.start ?? pos };
      }
      if (key.t === 'lit' && (typeof key.value === 'string' || typeof key.value === 'number')) {
        if (FORBIDDEN_NAMES.has(String(key.value)))
          refuse(`the property '${String(key.value)}' is not allowed`, pos);
      }
      return { t: 'member', object, key, optional: n.optional === true, pos };
    }
    case 'CallExpression': {
      const callee = n.callee as RawNode;
      const names = [...FUNCTIONS.keys()].join(', ');
      if (callee.type === 'MemberExpression') {
        refuse(`method calls are not allowed; the callable functions are: ${names}`, pos);
      }
      if (callee.type !== 'Identifier' || callee.group) {
        refuse(`only named functions can be called: ${names}`, pos);
      }
      const fn = callee.name as string;
      const spec = FUNCTIONS.get(fn);
      if (!spec)
        refuse(
          `'${fn}' is not a function that can be called; the callable functions are: ${names}`,
          pos,
        );
      const args = (n.arguments as RawNode[]).map(sub);
      if (args.length < spec.minArgs || args.length > spec.maxArgs) {
        const expected =
          spec.minArgs === spec.maxArgs
            ? `${spec.minArgs}`
            : spec.maxArgs === Infinity
              ? `at least ${spec.minArgs}`
              : `${spec.minArgs} to ${spec.maxArgs}`;
        refuse(`${fn}() takes ${expected} argument(s), got ${args.length}`, pos);
      }
      return { t: 'call', fn, args, pos };
    }
    case 'UnaryExpression': {
      const arg = sub(n.argument);
      switch (n.operator) {
        case '-':
          return { t: 'neg', arg, pos };
        case '+':
          return { t: 'pos', arg, pos };
        case '!':
          return { t: 'not', arg, word: false, pos };
        case 'not':
        case 'NOT':
          return { t: 'not', arg, word: true, pos };
        default:
          return refuse(`the operator '${String(n.operator)}' is not supported`, pos);
      }
    }
    case 'BinaryExpression': {
      const op = own(BINARY_OPS, n.operator as string)
        ? BINARY_OPS[n.operator as string]
        : undefined;
      if (!op) refuse(`the operator '${String(n.operator)}' is not supported`, pos);
      const left = sub(n.left);
      let right = sub(n.right);
      if (op === 'and' || op === 'or') return { t: op, left, right, pos: left.pos };
      // bamboo reads `x in ("a")` as a one-item tuple, not as `x in "a"` (substring).
      if (MEMBERSHIP.has(op) && right.grouped && right.t === 'lit') {
        right = { t: 'list', items: [right], pos: right.pos };
      }
      return makeBinary(op, left, right);
    }
    case 'ConditionalExpression':
      return {
        t: 'cond',
        test: sub(n.test),
        then: sub(n.consequent),
        otherwise: sub(n.alternate),
        pos,
      };
    case 'ArrayExpression': {
      const elements = n.elements as Array<RawNode | null>;
      if (elements.some((x) => x === null)) refuse('empty list item', pos);
      return { t: 'list', items: elements.map(sub), pos };
    }
    case 'SequenceExpression':
      return { t: 'list', items: (n.expressions as RawNode[]).map(sub), pos };
    case 'ThisExpression':
      return refuse(`'this' is not allowed`, pos);
    default:
      return refuse(`unsupported syntax (${n.type})`, pos);
  }
}

/** `$${` → literal `${`; `${expr}` → a slot. Throws ParseFailure with offsets into `str`. */
function scanTemplate(str: string): CompiledTemplate {
  if (str.length > EXPRESSION_LIMITS.maxTemplateLength) {
    refuse(`template longer than ${EXPRESSION_LIMITS.maxTemplateLength} characters`, undefined);
  }
  const parts: Array<string | TemplateSlot> = [];
  let text = '';
  let i = 0;
  for (;;) {
    const k = str.indexOf('${', i);
    if (k < 0) {
      text += str.slice(i);
      break;
    }
    if (k - 1 >= i && str.charCodeAt(k - 1) === 36 /* $ */) {
      text += `${str.slice(i, k - 1)}\${`;
      i = k + 2;
      continue;
    }
    text += str.slice(i, k);
    if (text) parts.push(text);
    text = '';
    const { node, end } = parseEmbedded(str, k);
    parts.push({ raw: str.slice(k, end), start: k, expr: compileNode(node, 0) });
    i = end;
  }
  if (text) parts.push(text);
  const first = parts[0];
  const whole = parts.length === 1 && typeof first !== 'string' && first.raw.length === str.length;
  return { source: str, parts, whole };
}

type Compiled<T> = { ok: T } | { error: ParseFailure };

const expressionCache = new LRUCache<string, Compiled<Expr>>({
  max: EXPRESSION_LIMITS.cacheEntries,
});
const templateCache = new LRUCache<string, Compiled<CompiledTemplate>>({
  max: EXPRESSION_LIMITS.cacheEntries,
});

function cached<T>(
  cache: LRUCache<string, Compiled<T>>,
  key: string,
  build: () => T,
  store: boolean,
): T {
  let entry = store ? cache.get(key) : undefined;
  if (!entry) {
    try {
      entry = { ok: build() };
    } catch (e) {
      if (!(e instanceof ParseFailure)) throw e;
      entry = { error: e };
    }
    if (store) cache.set(key, entry);
  }
  if ('error' in entry) throw entry.error;
  return entry.ok;
}

/** Parses and checks one expression or condition (cached). Throws ParseFailure. */
export function compileExpression(src: string): Expr {
  if (src.length > EXPRESSION_LIMITS.maxSourceLength) {
    throw new ParseFailure(
      `expression longer than ${EXPRESSION_LIMITS.maxSourceLength} characters`,
    );
  }
  return cached(expressionCache, src, () => compileNode(parseSource(src), 0), true);
}

/** Parses and checks every `${...}` of a template string (cached when short). Throws ParseFailure. */
export function compileTemplate(str: string): CompiledTemplate {
  return cached(
    templateCache,
    str,
    () => scanTemplate(str),
    str.length <= EXPRESSION_LIMITS.maxCachedTemplateLength,
  );
}

/** Adds to `out` the variables an expression reads (function names and property names excluded). */
export function collectReferences(e: Expr, out: Set<string>): void {
  switch (e.t) {
    case 'var':
      out.add(e.name);
      return;
    case 'lit':
      return;
    case 'tpl':
      for (const part of e.template.parts)
        if (typeof part !== 'string') collectReferences(part.expr, out);
      return;
    case 'member':
      collectReferences(e.object, out);
      collectReferences(e.key, out);
      return;
    case 'call':
      for (const a of e.args) collectReferences(a, out);
      return;
    case 'not':
    case 'neg':
    case 'pos':
      collectReferences(e.arg, out);
      return;
    case 'bin':
    case 'and':
    case 'or':
      collectReferences(e.left, out);
      collectReferences(e.right, out);
      return;
    case 'cond':
      collectReferences(e.test, out);
      collectReferences(e.then, out);
      collectReferences(e.otherwise, out);
      return;
    case 'list':
      for (const item of e.items) collectReferences(item, out);
      return;
  }
}

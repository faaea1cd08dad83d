import {
  checkCondition,
  EXPRESSION_LIMITS,
  evaluateCondition,
  evaluateExpression,
  ExpressionError,
  renderTemplate,
  type VariableScope,
} from './index';

/**
 * Everything here must be refused with an ExpressionError or evaluate to plain data without
 * touching anything outside the scope. The suite ends by checking that no prototype was
 * polluted and that `process` is intact.
 */

type Rec = Record<string, unknown>;

const objectProtoKeys = Object.getOwnPropertyNames(Object.prototype).sort();
const arrayProtoKeys = Object.getOwnPropertyNames(Array.prototype).sort();
const stringProtoKeys = Object.getOwnPropertyNames(String.prototype).sort();
const functionProtoKeys = Object.getOwnPropertyNames(Function.prototype).sort();
const globalKeys = Object.getOwnPropertyNames(globalThis).sort();
const processExit = process.exit;

function makeData(): Rec {
  return {
    x: { a: 1, list: [1, 2] },
    s: 'text',
    n: 5,
    arr: [1, 2, 3],
    k: '__proto__',
    k2: 'constructor',
    k3: 'prototype',
    parsed: JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": 1}}'),
  };
}
const data = makeData();
const reads: string[] = [];
/** Records every name the evaluator asks for: only names written in the expression may show up. */
const scope: VariableScope = {
  has: (name) => {
    reads.push(name);
    return Object.prototype.hasOwnProperty.call(data, name);
  },
  get: (name) => (Object.prototype.hasOwnProperty.call(data, name) ? data[name] : undefined),
};

/** Plain data only: no functions anywhere, no exotic objects. */
function isPlainData(v: unknown, depth = 0): boolean {
  if (depth > 50) return false;
  if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) return true;
  if (Array.isArray(v)) return v.every((x) => isPlainData(x, depth + 1));
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return false;
    return Object.values(v as Rec).every((x) => isPlainData(x, depth + 1));
  }
  return false;
}

/** Refused, or harmless: returns plain data. Returns the error when refused. */
function refusedOrHarmless(f: () => unknown): ExpressionError | undefined {
  let result: unknown;
  try {
    result = f();
  } catch (e) {
    expect(e).toBeInstanceOf(ExpressionError);
    return e as ExpressionError;
  }
  expect(isPlainData(result)).toBe(true);
  return undefined;
}

/** Expressions that must always be refused (whatever the scope holds). */
const MUST_REFUSE: string[] = [
  // prototype walks
  'x.__proto__',
  'x.constructor',
  'x.prototype',
  'x.constructor.constructor("return process")()',
  'x.constructor.constructor("return process")',
  'x["__proto__"]',
  'x["__proto__"]["polluted"]',
  'x["__proto__"].polluted',
  'x["constructor"]["constructor"]',
  'x?.__proto__',
  'x?.["constructor"]',
  'x.list.__proto__',
  'x.list.constructor',
  'x[k]',
  'x[k2]',
  'x[k3]',
  'x["__pro" + "to__"]',
  'x["con" + "structor"]',
  'parsed.__proto__',
  'parsed[k]',
  'parsed.constructor',
  'parsed["constructor"]["prototype"]',
  '[].constructor',
  '[].constructor.constructor("return this")()',
  '"".constructor',
  '"".constructor.constructor("return process")()',
  '(1).constructor',
  'true.constructor',
  'toString.constructor',
  '__proto__',
  'constructor',
  'prototype',
  'Object.prototype',
  'Object.prototype.polluted',
  // methods and getters
  'x.valueOf()',
  'x.toString()',
  'x.hasOwnProperty("a")',
  'x.__defineGetter__("a", len)',
  'x.__lookupGetter__("a")',
  's.toUpperCase()',
  'arr.map(len)',
  'arr.push(1)',
  'arr.length',
  's.length',
  'x.valueOf',
  'x.toString',
  'x.__lookupGetter__',
  'x.a.toFixed',
  // host access
  'require("fs")',
  'require("child_process").execSync("id")',
  'process.exit()',
  'process.exit(1)',
  'process.mainModule.require("fs")',
  'global.process',
  'globalThis.process.exit()',
  'this',
  'this.constructor',
  'import("fs")',
  'import.meta',
  'eval("1")',
  'Function("return 1")()',
  'new Function("return 1")',
  'setTimeout(s, 1)',
  'Object.assign(x, {"polluted": 1})',
  'Reflect.ownKeys(x)',
  'Symbol.iterator',
  'x[Symbol.iterator]',
  'len.constructor',
  'len.call(null, s)',
  '(len)(s)',
  'str.constructor("return 1")',
  // assignment and other statements
  'a = 1',
  'x.a = 1',
  'x["polluted"] = 1',
  'x.__proto__.polluted = 1',
  'x.a += 1',
  'x.a++',
  'delete x.a',
  'typeof x',
  'void 0',
  'x => x',
  '() => 1',
  'function f() {}',
  '`${process}`',
  '/x/.constructor',
  'x; process.exit()',
  'x, process',
  '{"__proto__": {"polluted": 1}}',
  // bombs
  '"a" * 1e9',
  '"a" * 2000000',
  '("a" * 1000000) + ("a" * 1000000)',
  '"ab" * 600000',
  'str("a" * 1000000) + str("b" * 100000)',
  '('.repeat(2000) + '1' + ')'.repeat(2000),
  '['.repeat(2000) + '1' + ']'.repeat(2000),
  '-'.repeat(3000) + '1',
  '!'.repeat(4000) + 'n',
  '-'.repeat(60) + 'n' + ' + ' + '-'.repeat(60) + 'x',
  'not '.repeat(1000) + 'n',
  '${'.repeat(1000) + 'n' + '}'.repeat(1000),
  'n ? '.repeat(1000) + '1' + ' : 2'.repeat(1000),
  '1+'.repeat(2000) + '1',
  'x.a' + '.a'.repeat(3000),
  'x' + '[0]'.repeat(1000),
  'len('.repeat(1000) + 's' + ')'.repeat(1000),
  'n' + ' or n'.repeat(1000),
  'x'.repeat(5000),
  // the same bombs, kept under the source length limit
  'n?'.repeat(1000) + '1' + ':2'.repeat(1000),
  'x' + '.a'.repeat(2000),
  'x' + '[0]'.repeat(1300),
  '1+'.repeat(2040) + '1',
  'n or '.repeat(800) + 'n',
  '-'.repeat(4000) + '1',
  '('.repeat(2000) + '1' + ')'.repeat(2000),
  '1 + ' + '1'.repeat(10_000),
  `"${'a'.repeat(EXPRESSION_LIMITS.maxSourceLength)}"`,
];

/** Names an expression may legitimately make the evaluator ask the scope about. */
const HARMLESS_UNDEFINED: string[] = [
  'global',
  'globalThis',
  'process',
  'window',
  'arguments',
  'Object',
  'toString',
];

describe('injection corpus', () => {
  afterEach(() => {
    reads.length = 0;
  });

  it.each(MUST_REFUSE.map((src) => [src.length > 80 ? `${src.slice(0, 77)}...` : src, src]))(
    'refuses %s',
    (_label, src) => {
      expect(() => evaluateCondition(src, scope)).toThrow(ExpressionError);
      expect(() => evaluateExpression(src, scope)).toThrow(ExpressionError);
      for (const tpl of [`\${${src}}`, `prefix \${${src}} suffix`]) {
        let out: unknown;
        try {
          out = renderTemplate(tpl, scope);
        } catch (e) {
          expect(e).toBeInstanceOf(ExpressionError);
          continue;
        }
        // Not refused: a template leaves a placeholder that reads something undefined as written.
        expect(out).toBe(tpl);
      }
    },
  );

  it.each<[string, unknown]>([
    ['++n', 5],
    ['- -n', 5],
    ['"__proto__"', '__proto__'],
    ['"constructor" + "x"', 'constructorx'],
    ['x["a"]', 1],
    ['x.list', [1, 2]],
    ['"__proto__" in x', false],
    ['"constructor" in x', false],
    ['"valueOf" in x', false],
    ['"length" in arr', false],
    ['str(x)', '{"a":1,"list":[1,2]}'],
    ['"\\x5f_proto__"', 'x5f_proto__'],
  ])('evaluates %s harmlessly', (src, expected) => {
    expect(refusedOrHarmless(() => evaluateExpression(src, scope))).toBeUndefined();
    expect(evaluateExpression(src, scope)).toEqual(expected);
  });

  it.each(HARMLESS_UNDEFINED)('%s is just an undefined variable', (name) => {
    expect(() => evaluateCondition(name, scope)).toThrow(`variable '${name}' is not defined`);
    expect(renderTemplate(`\${${name}}`, scope)).toBe(`\${${name}}`);
  });

  it('never asks the scope for names the expression does not contain', () => {
    for (const src of MUST_REFUSE) {
      reads.length = 0;
      try {
        evaluateExpression(src, scope);
      } catch {
        // refused
      }
      for (const name of reads) expect(src).toContain(name);
    }
  });

  it('a parsed own "__proto__" key is unreachable, and reading around it pollutes nothing', () => {
    expect(() => evaluateExpression('parsed["__proto__"]["polluted"]', scope)).toThrow(
      ExpressionError,
    );
    expect(evaluateExpression('"__proto__" in parsed', scope)).toBe(true);
    expect(evaluateExpression('len(parsed)', scope)).toBe(2);
  });

  it('leaves the scope data untouched', () => {
    expect(data).toEqual(makeData());
  });

  it('leaves prototypes, globals and process intact', () => {
    expect(({} as Rec).polluted).toBeUndefined();
    expect(([] as unknown as Rec).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(objectProtoKeys);
    expect(Object.getOwnPropertyNames(Array.prototype).sort()).toEqual(arrayProtoKeys);
    expect(Object.getOwnPropertyNames(String.prototype).sort()).toEqual(stringProtoKeys);
    expect(Object.getOwnPropertyNames(Function.prototype).sort()).toEqual(functionProtoKeys);
    expect(Object.getOwnPropertyNames(globalThis).sort()).toEqual(globalKeys);
    expect(process.exit).toBe(processExit);
    expect(typeof process.exit).toBe('function');
    expect(process.exitCode).toBeUndefined();
  });
});

describe('limits', () => {
  const small: VariableScope = {
    has: (name) => ['x', 'big', 'many'].includes(name),
    get: (name) =>
      name === 'x'
        ? 1
        : name === 'big'
          ? 'b'.repeat(600_000)
          : name === 'many'
            ? new Array(60_000).fill(0)
            : undefined,
  };
  const reasonOf = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(ExpressionError);
      return (e as ExpressionError).reason;
    }
    throw new Error('expected an ExpressionError');
  };

  it('bounds the source length of a condition', () => {
    const max = EXPRESSION_LIMITS.maxSourceLength;
    const ok = `x == "${'1'.repeat(max - 7)}"`;
    expect(ok.length).toBe(max);
    expect(() => checkCondition(ok)).not.toThrow();
    expect(reasonOf(() => checkCondition(`${ok} `))).toBe(
      `expression longer than ${max} characters`,
    );
  });

  it('bounds the length of each ${} of a template, not the text around it', () => {
    const max = EXPRESSION_LIMITS.maxSourceLength;
    const text = 't'.repeat(100_000);
    expect(renderTemplate(`${text}\${x}${text}`, small)).toBe(`${text}1${text}`);
    const inner = `x + "${'1'.repeat(max - 6)}"`;
    expect(inner.length).toBe(max);
    expect(renderTemplate(`\${${inner}}`, small)).toBe(`1${'1'.repeat(max - 6)}`);
    expect(reasonOf(() => renderTemplate(`\${${inner} }`, small))).toMatch(
      /longer than 4096 characters/,
    );
    expect(reasonOf(() => renderTemplate(`a \${x + "${'1'.repeat(100_000)}"`, small))).toMatch(
      /longer than 4096 characters or is not closed/,
    );
  });

  it('bounds the length of a template string that holds ${', () => {
    const long = 'a'.repeat(EXPRESSION_LIMITS.maxTemplateLength);
    expect(renderTemplate(long, small)).toBe(long);
    expect(reasonOf(() => renderTemplate(`${long}\${x}`, small))).toMatch(/template longer than/);
  });

  it('bounds nesting while parsing', () => {
    const nest = (depth: number): string => '('.repeat(depth) + 'x' + ')'.repeat(depth);
    expect(evaluateExpression(nest(EXPRESSION_LIMITS.maxNesting - 1), small)).toBe(1);
    expect(reasonOf(() => checkCondition(nest(EXPRESSION_LIMITS.maxNesting)))).toMatch(
      /Nesting deeper than 64/,
    );
  });

  it('bounds the depth of the parsed tree', () => {
    expect(evaluateExpression('1+'.repeat(200) + '1', small)).toBe(201);
    expect(reasonOf(() => checkCondition('1+'.repeat(300) + '1'))).toMatch(
      /nested deeper than 256 levels/,
    );
  });

  it('bounds strings made by +, * and splicing', () => {
    const max = EXPRESSION_LIMITS.maxStringLength;
    expect((evaluateExpression(`"a" * ${max}`, small) as string).length).toBe(max);
    expect(reasonOf(() => evaluateExpression(`"a" * ${max + 1}`, small))).toMatch(
      /'\*' would make a string longer/,
    );
    expect(reasonOf(() => evaluateExpression('big + big', small))).toMatch(
      /'\+' would make a string longer/,
    );
    expect(reasonOf(() => renderTemplate('${big}${big}', small))).toMatch(/string longer than/);
    expect(reasonOf(() => evaluateExpression('upper(big + "x") + big', small))).toMatch(
      /longer than/,
    );
  });

  it('bounds lists made by +', () => {
    expect(reasonOf(() => evaluateExpression('many + many', small))).toMatch(
      /list longer than 100000/,
    );
  });

  it('refuses cyclic values instead of looping', () => {
    const cyclic: Rec = { a: 1 };
    cyclic.self = cyclic;
    const other: Rec = { a: 1 };
    other.self = other;
    const s: VariableScope = {
      has: (n) => n === 'c' || n === 'd',
      get: (n) => (n === 'c' ? cyclic : other),
    };
    expect(reasonOf(() => renderTemplate('v=${c}', s))).toMatch(/cannot convert object to text/);
    expect(reasonOf(() => evaluateExpression('c', s))).toMatch(/nested deeper/);
    expect(reasonOf(() => evaluateExpression('c == d', s))).toBe(
      'values are nested too deeply to compare',
    );
    expect(evaluateExpression('c.self.self.a', s)).toBe(1);
    expect(reasonOf(() => renderTemplate(cyclic, s))).toMatch(/nested deeper/);
  });

  it('does not backtrack on long number-like text', () => {
    const s: VariableScope = { has: () => true, get: () => `${'1'.repeat(200_000)}x` };
    const started = Date.now();
    expect(evaluateCondition('v == 1', s)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

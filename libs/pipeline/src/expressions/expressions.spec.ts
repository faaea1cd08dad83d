import {
  checkCondition,
  conditionReferences,
  evaluateCondition,
  evaluateExpression,
  ExpressionError,
  scopeFromRecord,
  type VariableScope,
} from './index';
import { PipelineError } from '../errors/pipeline.error';

const scope = scopeFromRecord({
  x: 10,
  y: 2,
  n: 0,
  base: 6,
  add_value: 41,
  f: 2.5,
  neg: -7,
  s: 'hello',
  num: '5',
  empty: '',
  status: 'ok',
  name: 'bob',
  flag: true,
  nothing: null,
  list: [1, 2, 3],
  strs: ['a', 'b', 'c'],
  obj: { a: 1, b: { c: [10, 20, { d: 'deep' }] }, 'spaced key': 's' },
  emptyList: [],
  emptyObj: {},
});

const ev = (src: string, s: VariableScope = scope): unknown => evaluateExpression(src, s);
const cond = (src: string, s: VariableScope = scope): boolean => evaluateCondition(src, s);

function errorOf(f: () => unknown): ExpressionError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ExpressionError);
    return e as ExpressionError;
  }
  throw new Error('expected an ExpressionError');
}

describe('evaluateExpression: literals', () => {
  it.each<[string, unknown]>([
    ['1', 1],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['1e3', 1000],
    ['"dq"', 'dq'],
    ["'sq'", 'sq'],
    ['"esc\\"aped"', 'esc"aped'],
    ["'it\\'s'", "it's"],
    ['"a\\nb"', 'a\nb'],
    ['true', true],
    ['false', false],
    ['True', true],
    ['False', false],
    ['TRUE', true],
    ['null', null],
    ['None', null],
    ['[1, 2]', [1, 2]],
    ['[]', []],
    ['[1, [2, "x"]]', [1, [2, 'x']]],
    ['[1, 2,]', [1, 2]],
    ['(1, 2, 3)', [1, 2, 3]],
    ['(1,)', [1]],
    ['()', []],
    ['(1)', 1],
    ['("a", "b")', ['a', 'b']],
  ])('%s → %j', (src, expected) => {
    expect(ev(src)).toEqual(expected);
  });
});

describe('evaluateExpression: arithmetic', () => {
  it.each<[string, unknown]>([
    ['base * 2 + 1', 13],
    ['add_value + 1', 42],
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['10 - 2 - 3', 5],
    ['2 * 3 - 4 / 2', 4],
    ['7 / 2', 3.5],
    ['7 // 2', 3],
    ['-7 // 2', -4],
    ['7 % 3', 1],
    ['-7 % 3', 2],
    ['7 % -3', -2],
    ['-x', -10],
    ['- -x', 10],
    ['+x', 10],
    ['-(1 + 2)', -3],
    ['f * 2', 5],
    ['neg + x', 3],
    ['"a" + "b"', 'ab'],
    ['"a" + s', 'ahello'],
    ['s + 1', 'hello1'],
    ['1 + s', '1hello'],
    ['"v" + flag', 'vtrue'],
    ['num + 1', '51'],
    ['num * 2', '55'],
    ['"ab" * 3', 'ababab'],
    ['3 * "ab"', 'ababab'],
    ['"ab" * 0', ''],
    ['"ab" * -1', ''],
    ['list + [4]', [1, 2, 3, 4]],
    ['x > 5 ? "big" : "small"', 'big'],
    ['n ? 1 : 2', 2],
    ['x > 50 ? "big" : x > 5 ? "mid" : "small"', 'mid'],
  ])('%s → %j', (src, expected) => {
    expect(ev(src)).toEqual(expected);
  });

  it.each<[string, RegExp]>([
    ['1 / 0', /division by zero/],
    ['1 // 0', /division by zero/],
    ['1 % 0', /division by zero/],
    ['s - 1', /'-' needs numbers, got string and number/],
    ['nothing * 2', /cannot multiply null and number/],
    ['list * 2', /cannot multiply list and number/],
    ['"ab" * 1.5', /integer number of times/],
    ['nothing + 1', /cannot add null and number/],
    ['list + 1', /cannot add list and number/],
    ['obj + "x"', /cannot add object and string/],
    ['-s', /cannot negate string/],
    ['+s', /unary '\+' expects a number/],
    ['1e308 * 10', /out of range/],
    ['1e999', /out of range/],
  ])('%s fails: %s', (src, reason) => {
    const e = errorOf(() => ev(src));
    expect(e.reason).toMatch(reason);
    expect(e.code).toBe('INVALID_EXPRESSION');
    expect(e.kind).toBe('invalid');
    expect(e.context.expression).toBe(src);
  });
});

describe('operators in conditions', () => {
  it.each<[string, boolean]>([
    // comparison
    ['${x} > 5', true],
    ['${x} > 10', false],
    ['${x} >= 10', true],
    ['${x} < 11', true],
    ['${x} <= 9', false],
    ['${x} == 10', true],
    ['${x} != 10', false],
    ['x == 10', true],
    ['"abc" < "abd"', true],
    ['"b" > "abc"', true],
    ['"10" > 9', true],
    ['9 < "10"', true],
    // numeric strings equal numbers (bamboo renders ${x} into text before comparing)
    ['"5" == 5', true],
    ['5 == "5"', true],
    ['num == 5', true],
    ['num == 5.0', true],
    ['" 5 " == 5', true],
    ['"5.0" == 5', true],
    ['"5a" == 5', false],
    ['"" == 0', false],
    ['num != 5', false],
    ['"5" == "5.0"', false],
    ['"${x}" == 10', true],
    ['"${x}" == "10"', true],
    // other equality
    ['true == True', true],
    ['flag == true', true],
    ['flag == 1', false],
    ['nothing == None', true],
    ['nothing == null', true],
    ['nothing == 0', false],
    ['nothing == ""', false],
    ['list == [1, 2, 3]', true],
    ['list == (1, 2, 3)', true],
    ['list == [1, 2]', false],
    ['list == ["1", "2", "3"]', false],
    ['obj.b.c[2] == obj.b.c[2]', true],
    // membership
    ['${x} in (1, 10, 100)', true],
    ['${x} in (1, 2)', false],
    ['${x} notin (1, 2)', true],
    ['${x} not in (1, 2)', true],
    ['${x} IN (10,)', true],
    ['${x} NOTIN (10,)', false],
    ['"10" in (10, 20)', true],
    ['10 in ("10", "20")', true],
    ['${status} in ("ok", "done")', true],
    ['status in ("ok")', true],
    ['"o" in ("ok")', false],
    ['"o" in "ok"', true],
    ['"ell" in s', true],
    ['"z" in s', false],
    ['1 in "a1"', true],
    ['"a" in obj', true],
    ['"z" in obj', false],
    ['"toString" in obj', false],
    ['"__proto__" in obj', false],
    ['2 in list', true],
    ['[1, 2] in [[1, 2], [3]]', true],
    ['"a" in strs', true],
    ['"a" notin strs', false],
    // superset
    ['strs issuperset ("a", "b")', true],
    ['strs issuperset ["a", "z"]', false],
    ['strs notissuperset ["a", "z"]', true],
    ['strs issuperset "a"', true],
    ['"a" issuperset "a"', true],
    ['list issuperset ()', true],
    ['emptyList issuperset [1]', false],
    ['list ISSUPERSET (1, 3)', true],
    ['list NOTISSUPERSET (1, 3)', false],
    // logic
    ['x > 5 and y < 5', true],
    ['x > 5 and y > 5', false],
    ['x > 50 or y < 5', true],
    ['x > 50 or y > 5', false],
    ['x > 5 AND y < 5', true],
    ['x > 50 OR y < 5', true],
    ['x > 5 && y < 5', true],
    ['x > 50 || y < 5', true],
    ['not x > 50', true],
    ['NOT x > 5', false],
    ['!flag', false],
    ['!n', true],
    ['not not flag', true],
    ['${x} > 5 and ${y} in (1,2,3)', true],
    ['${status} in ("ok", "done") and ${n} != 0', false],
    // truthiness of the result
    ['x', true],
    ['n', false],
    ['s', true],
    ['empty', false],
    ['emptyList', false],
    ['list', true],
    ['emptyObj', false],
    ['obj', true],
    ['nothing', false],
    ['x and s', true],
    ['n or empty', false],
    // bamboo's match-all
    ['*', true],
    [' * ', true],
  ])('%s → %s', (src, expected) => {
    expect(cond(src)).toBe(expected);
  });
});

describe('precedence', () => {
  it.each<[string, unknown]>([
    // and binds tighter than or
    ['true or true and false', true],
    ['(true or true) and false', false],
    ['false and true or true', true],
    ['false and (true or true)', false],
    // Python `not`: below comparisons, above and/or
    ['not 1 == 2', true],
    ['not x in list', true],
    ['not 1 + 1 == 2', false],
    ['not false and false', false],
    ['not (false and false)', true],
    ['(not x) == false', true],
    ['not not 1 == 1', true],
    ['true and not 1 == 2', true],
    // JavaScript `!` binds tightest
    ['!x == false', true],
    // comparisons above logic, arithmetic above comparisons
    ['1 + 2 == 3 and 2 * 3 == 6', true],
    ['x - 4 in (6, 7)', true],
    ['1 + 2 * 3 - 4 / 2 % 3', 5],
    ['-x + 2', -8],
    ['-(x + 2)', -12],
  ])('%s → %j', (src, expected) => {
    expect(ev(src)).toBe(expected);
  });

  it('refuses chained comparisons instead of silently reading them the JavaScript way', () => {
    expect(errorOf(() => ev('1 < x < 20')).reason).toMatch(/cannot be chained/);
    expect(errorOf(() => ev('x == 10 == true')).reason).toMatch(/cannot be chained/);
    expect(ev('(1 < x) == true')).toBe(true);
  });
});

describe('member access', () => {
  it.each<[string, unknown]>([
    ['obj.a', 1],
    ['obj["a"]', 1],
    ["obj['spaced key']", 's'],
    ['obj.b.c[0]', 10],
    ['obj.b.c[-1].d', 'deep'],
    ['obj.b["c"][2]["d"]', 'deep'],
    ['list[0]', 1],
    ['list[y]', 3],
    ['list[-1]', 3],
    ['s[0]', 'h'],
    ['strs[1 + 1]', 'c'],
    ['(1, 2, 3)[1]', 2],
    ['[4, 5][0]', 4],
    ['nothing?.a', null],
    ['obj?.a', 1],
    ['${obj}.a', 1],
    ['${obj.b}.c[1]', 20],
  ])('%s → %j', (src, expected) => {
    expect(ev(src)).toEqual(expected);
  });

  it.each<[string, RegExp]>([
    ['obj.zz', /the object has no key 'zz'/],
    ['list[5]', /index 5 is out of range for a list of length 3/],
    ['list["0"]', /a list is indexed by integers, not by string/],
    ['list.length', /a list is indexed by integers, not by string 'length'/],
    ['list[0.5]', /indexed by integers/],
    ['s.length', /a string is indexed by integers/],
    ['x.a', /cannot read 'a' of number/],
    ['nothing.a', /cannot read 'a' of null/],
    ['flag.a', /cannot read 'a' of boolean/],
    ['obj[list]', /an object key must be a string, not list/],
    ['obj.toString', /has no key 'toString'/],
    ['obj.hasOwnProperty', /has no key 'hasOwnProperty'/],
  ])('%s fails: %s', (src, reason) => {
    expect(errorOf(() => ev(src)).reason).toMatch(reason);
  });

  it('refuses accessor properties and non-plain objects', () => {
    let called = false;
    const withGetter = {};
    Object.defineProperty(withGetter, 'g', {
      enumerable: true,
      get: () => {
        called = true;
        return 1;
      },
    });
    class Secret {
      value = 1;
    }
    const s = scopeFromRecord({
      withGetter,
      inst: new Secret(),
      date: new Date(0),
      map: new Map([['a', 1]]),
    });
    expect(errorOf(() => ev('withGetter.g', s)).reason).toMatch(/not a data property/);
    expect(called).toBe(false);
    expect(errorOf(() => ev('inst.value', s)).reason).toMatch(/cannot read 'value' of Object/);
    expect(errorOf(() => ev('date.getTime', s)).reason).toMatch(/cannot read 'getTime' of Date/);
    expect(errorOf(() => ev('map.size', s)).reason).toMatch(/cannot read 'size' of Map/);
  });

  it('reads own "__proto__"-like data keys only through refusal, never through the prototype', () => {
    const s = scopeFromRecord({ o: JSON.parse('{"__proto__": {"x": 1}, "k": "__proto__"}') });
    expect(errorOf(() => ev('o[o.k]', s)).reason).toMatch(/'__proto__' is not allowed/);
    expect(errorOf(() => ev('o.__proto__', s)).reason).toMatch(/'__proto__' is not allowed/);
  });

  it('refuses functions held by variables', () => {
    const s = scopeFromRecord({ fn: () => 1, o: { fn: () => 1 } });
    expect(errorOf(() => ev('fn', s)).reason).toMatch(/unsupported value \(function\)/);
    expect(errorOf(() => ev('o.fn', s)).reason).toMatch(/unsupported value \(function\)/);
  });

  it('returns copies, never the scope objects themselves', () => {
    const data = { o: { a: [1] } };
    const result = ev('o', scopeFromRecord(data)) as { a: number[] };
    expect(result).toEqual({ a: [1] });
    result.a.push(2);
    expect(data.o.a).toEqual([1]);
  });
});

describe('functions', () => {
  it.each<[string, unknown]>([
    ['len(s)', 5],
    ['len(list)', 3],
    ['len(obj)', 3],
    ['len("")', 0],
    ['str(x)', '10'],
    ['str(nothing)', ''],
    ['str(flag)', 'true'],
    ['str(list)', '[1,2,3]'],
    ['str(x) + "px"', '10px'],
    ['int("42")', 42],
    ['int(" 42 ")', 42],
    ['int(3.9)', 3],
    ['int(-3.9)', -3],
    ['int("3.9")', 3],
    ['int(true)', 1],
    ['int(num) + 1', 6],
    ['float("2.5")', 2.5],
    ['float(x)', 10],
    ['bool(0)', false],
    ['bool("x")', true],
    ['bool(emptyList)', false],
    ['abs(neg)', 7],
    ['min(3, 1, 2)', 1],
    ['max(3, 1, 2)', 3],
    ['min(list)', 1],
    ['max(list)', 3],
    ['max("a", "c", "b")', 'c'],
    ['round(2.5)', 3],
    ['round(-2.5)', -3],
    ['round(2.345, 2)', 2.35],
    ['round(f)', 3],
    ['lower("AbC")', 'abc'],
    ['upper(s)', 'HELLO'],
    ['strip("  pad  ")', 'pad'],
    ['len(strip("  pad  ")) == 3', true],
  ])('%s → %j', (src, expected) => {
    expect(ev(src)).toEqual(expected);
  });

  it.each<[string, RegExp]>([
    ['len(x)', /len\(\) of number/],
    ['len()', /len\(\) takes 1 argument\(s\), got 0/],
    ['len(s, s)', /takes 1 argument/],
    ['round(1, 2, 3)', /takes 1 to 2 argument/],
    ['min()', /takes at least 1 argument/],
    ['min(emptyList)', /empty list/],
    ['min(1, "a")', /cannot compare/],
    ['int("abc")', /cannot convert string "abc" to a number/],
    ['int(list)', /cannot convert list/],
    ['abs("1")', /expects a number/],
    ['lower(1)', /expects a string/],
    ['round(1, 99)', /digits must be/],
    ['nope(1)', /'nope' is not a function that can be called/],
    ['s.upper()', /method calls are not allowed/],
    ['(len)(s)', /only named functions/],
  ])('%s fails: %s', (src, reason) => {
    expect(errorOf(() => ev(src)).reason).toMatch(reason);
  });
});

describe('conditions: variables and errors', () => {
  it('treats ${expr}, bare names and rendered strings alike', () => {
    expect(cond('${x} > 5')).toBe(cond('x > 5'));
    expect(cond('${x + 1} == 11')).toBe(true);
    expect(cond('"${name}" == "bob"')).toBe(true);
    expect(cond('"hi ${name}!" == "hi bob!"')).toBe(true);
    expect(cond("'${status}' in ('ok', 'done')")).toBe(true);
    expect(cond('"$${x}" == "$${" + "x}"')).toBe(true);
  });

  it('fails on an undefined variable, with its name in the context', () => {
    for (const src of [
      '${missing} > 5',
      'missing > 5',
      '"${missing}" == "a"',
      'x > 5 and missing',
    ]) {
      const e = errorOf(() => cond(src));
      expect(e.reason).toBe("variable 'missing' is not defined");
      expect(e.context.variable).toBe('missing');
      expect(e).toBeInstanceOf(PipelineError);
    }
  });

  it('short-circuits: the right side of a decided and/or is not evaluated', () => {
    expect(cond('x < 5 and missing')).toBe(false);
    expect(cond('x > 5 or missing')).toBe(true);
    expect(cond('x > 5 ? true : missing')).toBe(true);
  });

  it.each<[string, RegExp, number | undefined]>([
    ['', /empty expression/, 0],
    ['   ', /empty expression/, 0],
    ['x >', /syntax error: Expected expression after >/, 3],
    ['x > 5 y', /only one expression is allowed/, 6],
    ['x, y', /only one expression is allowed/, 3],
    ['x; y', /only one expression is allowed/, 3],
    ['(x > 5', /syntax error: Unclosed \(/, 6],
    ['[1, 2', /Unclosed \[/, 5],
    ['[1 2]', /Expected "," or "\]"/, 3],
    ['(1 2)', /Expected "," or "\)"/, 3],
    ['[1,,2]', /Unexpected ","/, 3],
    ['"abc', /Unclosed quote/, 4],
    ['${x', /Unclosed \$\{/, 3],
    ['${}', /Empty \$\{\}/, 2],
    ['${x y}', /Expected "}" to close/, 4],
    ['$x > 1', /Unexpected "\$"/, 0],
    ['x === 1', /syntax error/, 4],
    ['x & 1', /syntax error/, 2],
    ['x ** 2', /syntax error/, 3],
    ['x = 1', /syntax error: Unexpected "="/, 2],
    ['x += 1', /syntax error/, 3],
    ['"${x" == 1', /in the string "\$\{x": syntax error: Unclosed \$\{/, 0],
    ['{"a": 1}', /syntax error/, 0],
    ['x => x', /syntax error/, 2],
    ['`t`', /syntax error/, 0],
    ['/re/', /syntax error/, 0],
  ])('%j is refused: %s', (src, reason, position) => {
    const e = errorOf(() => checkCondition(src));
    expect(e.reason).toMatch(reason);
    expect(e.position).toBe(position);
    // evaluating gives the same error
    expect(errorOf(() => cond(src)).reason).toBe(e.reason);
  });

  it('says where a runtime failure happened', () => {
    const e = errorOf(() => cond('x > 5 and s > 1'));
    expect(e.reason).toBe("cannot compare string and number with '>'");
    expect(e.position).toBe(10);
    expect(e.message).toBe(
      "Invalid expression 'x > 5 and s > 1': cannot compare string and number with '>' (at character 10)",
    );
  });

  it('refuses a non-string source', () => {
    expect(errorOf(() => evaluateCondition(5 as unknown as string, scope)).reason).toMatch(
      /must be a string/,
    );
    expect(errorOf(() => checkCondition(undefined as unknown as string)).reason).toMatch(
      /must be a string/,
    );
  });

  it('accepts valid conditions without evaluating them', () => {
    for (const src of [
      '${x} > 5',
      'missing > 5',
      '${status} in ("ok", "done") and ${n} != 0',
      '*',
    ]) {
      expect(() => checkCondition(src)).not.toThrow();
    }
  });

  it('lists the variables a condition reads', () => {
    expect(conditionReferences('${x} > 5 and y in (1, 2) or len(s) > obj.a + list[i]')).toEqual([
      'x',
      'y',
      's',
      'obj',
      'list',
      'i',
    ]);
    expect(conditionReferences('"${name}" == "bob"')).toEqual(['name']);
    expect(conditionReferences('*')).toEqual([]);
  });

  it('reads a lazy scope only for the variables it needs', () => {
    const reads: string[] = [];
    const lazy: VariableScope = {
      has: (name) => ['a', 'b'].includes(name),
      get: (name) => {
        reads.push(name);
        return name === 'a' ? 1 : 2;
      },
    };
    expect(cond('a == 1 or b == 2', lazy)).toBe(true);
    expect(reads).toEqual(['a']);
  });

  it('lets errors thrown by the scope itself through unchanged', () => {
    const boom = new Error('resolver failed');
    const failing: VariableScope = {
      has: () => true,
      get: () => {
        throw boom;
      },
    };
    expect(() => cond('a > 1', failing)).toThrow(boom);
  });
});

describe('scopeFromRecord', () => {
  it('sees own keys only', () => {
    const s = scopeFromRecord({ a: 1 });
    expect(s.has('a')).toBe(true);
    expect(s.has('toString')).toBe(false);
    expect(s.has('constructor')).toBe(false);
    expect(s.get('toString')).toBeUndefined();
  });

  it('treats an undefined value as null', () => {
    expect(ev('u == None', scopeFromRecord({ u: undefined }))).toBe(true);
  });
});

import {
  checkTemplate,
  EXPRESSION_LIMITS,
  ExpressionError,
  renderTemplate,
  scopeFromRecord,
  templateReferences,
} from './index';

const scope = scopeFromRecord({
  base: 6,
  x: 10,
  f: 0.5,
  name: 'bob',
  flag: false,
  nothing: null,
  list: [1, 'two', { three: 3 }],
  obj: { a: 1, nested: { b: [true] } },
  brace: '}',
});

const render = (value: unknown): unknown => renderTemplate(value, scope);

function errorOf(f: () => unknown): ExpressionError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ExpressionError);
    return e as ExpressionError;
  }
  throw new Error('expected an ExpressionError');
}

describe('renderTemplate: a whole-string ${expr} keeps the value type', () => {
  it.each<[string, unknown]>([
    ['${base}', 6],
    ['${base * 2 + 1}', 13],
    ['${ base * 2 + 1 }', 13],
    ['${f}', 0.5],
    ['${name}', 'bob'],
    ['${flag}', false],
    ['${nothing}', null],
    ['${list}', [1, 'two', { three: 3 }]],
    ['${obj}', { a: 1, nested: { b: [true] } }],
    ['${obj.nested}', { b: [true] }],
    ['${list[2].three}', 3],
    ['${x > 5}', true],
    ['${"a" + name}', 'abob'],
    ['${len(list)}', 3],
    ['${[base, x]}', [6, 10]],
    ['${(1, 2)}', [1, 2]],
    ['${x > 5 ? "big" : "small"}', 'big'],
    ['${ "}" }', '}'],
    ['${ "{" + "}" }', '{}'],
    ['${ brace == "}" }', true],
    ['${ ${base} + 1 }', 7],
  ])('%s → %j', (tpl, expected) => {
    expect(render(tpl)).toEqual(expected);
  });

  it('returns a copy of objects, not the scope value', () => {
    const data = { o: { a: [1] } };
    const out = renderTemplate('${o}', scopeFromRecord(data)) as { a: number[] };
    out.a.push(2);
    expect(data.o.a).toEqual([1]);
  });
});

describe('renderTemplate: splicing text', () => {
  it.each<[string, string]>([
    ['a ${x} b', 'a 10 b'],
    ['${x}${base}', '106'],
    ['${x} ', '10 '],
    [' ${x}', ' 10'],
    ['n=${base * 2 + 1};', 'n=13;'],
    ['${name}@example.com', 'bob@example.com'],
    ['f=${f}', 'f=0.5'],
    ['flag=${flag}', 'flag=false'],
    ['flag=${not flag}', 'flag=true'],
    ['null=[${nothing}]', 'null=[]'],
    ['list=${list}', 'list=[1,"two",{"three":3}]'],
    ['obj=${obj}', 'obj={"a":1,"nested":{"b":[true]}}'],
    ['s=${"}"}', 's=}'],
    ["q=${'it\\'s'}", "q=it's"],
  ])('%j → %j', (tpl, expected) => {
    expect(render(tpl)).toBe(expected);
  });

  it.each<[string, string]>([
    ['plain text', 'plain text'],
    ['', ''],
    ['$ {x}', '$ {x}'],
    ['$x and {x}', '$x and {x}'],
    ['cost: $5', 'cost: $5'],
    ['$${x}', '${x}'],
    ['a $${x} b ${x}', 'a ${x} b 10'],
    ['$$${x}', '$${x}'],
    ['${x}$${x}', '10${x}'],
    ['${"$${"}', '${'],
  ])('escapes and text without templates: %j → %j', (tpl, expected) => {
    expect(render(tpl)).toBe(expected);
  });
});

describe('renderTemplate: unresolved references stay as written', () => {
  it.each<[string, unknown]>([
    ['${missing}', '${missing}'],
    ['${ missing }', '${ missing }'],
    ['${missing + 1}', '${missing + 1}'],
    ['a ${missing} b ${x}', 'a ${missing} b 10'],
    ['${obj.zz}', '${obj.zz}'],
    ['${list[9]}', '${list[9]}'],
    ['${"${missing}"}', '${"${missing}"}'],
    ['${x > 5 or missing}', true],
  ])('%j → %j', (tpl, expected) => {
    expect(render(tpl)).toEqual(expected);
  });

  it('still fails on errors that are not about a missing value', () => {
    expect(errorOf(() => render('${name - 1}')).reason).toMatch(/needs numbers/);
    expect(errorOf(() => render('a ${x / 0} b')).reason).toMatch(/division by zero/);
    expect(errorOf(() => render('${x.a}')).reason).toMatch(/cannot read 'a' of number/);
  });
});

describe('renderTemplate: values', () => {
  it('renders lists and plain objects recursively, keys untouched', () => {
    const value = {
      '${x}': '${x}',
      a: ['${base}', 'n=${base}', { deep: ['${name}'] }],
      n: 5,
      b: true,
      z: null,
    };
    expect(render(value)).toEqual({
      '${x}': 10,
      a: [6, 'n=6', { deep: ['bob'] }],
      n: 5,
      b: true,
      z: null,
    });
    // input untouched
    expect(value.a[0]).toBe('${base}');
  });

  it('returns other values as they are', () => {
    const date = new Date(0);
    const map = new Map();
    expect(render(5)).toBe(5);
    expect(render(null)).toBeNull();
    expect(render(undefined)).toBeUndefined();
    expect(render(true)).toBe(true);
    expect(render(date)).toBe(date);
    expect(render(map)).toBe(map);
  });

  it('keeps a "__proto__" key as data, never as the prototype', () => {
    const value = JSON.parse('{"__proto__": {"polluted": "${x}"}, "k": 1}');
    const out = render(value) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(out, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ polluted: 10 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses data nested deeper than the limit', () => {
    let deep: unknown = '${x}';
    for (let i = 0; i <= EXPRESSION_LIMITS.maxValueDepth; i++) deep = [deep];
    expect(errorOf(() => render(deep)).reason).toMatch(/nested deeper/);
  });
});

describe('template syntax errors', () => {
  it.each<[string, RegExp, number]>([
    ['${', /Unclosed \$\{/, 2],
    ['a ${x', /Unclosed \$\{/, 5],
    ['a ${}', /Empty \$\{\}/, 4],
    ['a ${x y} b', /Expected "}" to close/, 6],
    ['${x >}', /Expected expression after >/, 5],
    ['${"}', /Unclosed quote/, 4],
    ['${require("fs")}', /'require' is not a function/, 2],
    ['${x.__proto__}', /'__proto__' is not allowed/, 2],
    ['ok ${x} then ${this}', /'this' is not allowed/, 15],
    // a string literal holding `${` is itself a template: write `$${` for a literal `${`
    ['${ "${" + "x}" }', /in the string "\$\{": syntax error: Unclosed \$\{/, 3],
  ])('%j: %s', (tpl, reason, position) => {
    const e = errorOf(() => checkTemplate({ deep: [tpl] }));
    expect(e.reason).toMatch(reason);
    expect(e.position).toBe(position);
    expect(e.expression).toBe(tpl);
    expect(errorOf(() => render(tpl)).reason).toBe(e.reason);
  });

  it('accepts valid templates, including unresolved ones', () => {
    expect(() =>
      checkTemplate({ a: ['${x}', 'a ${missing} b', '$${', 'no template', 5, null] }),
    ).not.toThrow();
  });
});

describe('templateReferences', () => {
  it.each<[unknown, string[]]>([
    ['${x}', ['x']],
    ['${base * 2 + 1}', ['base']],
    ['a ${a.b + c[i]} b ${a}', ['a', 'c', 'i']],
    ['${len(s) + max(t, 1)}', ['s', 't']],
    ['${"${inner}" + outer}', ['inner', 'outer']],
    ['${obj["key"]}', ['obj']],
    ['$${escaped}', []],
    ['plain', []],
    [{ k: ['${a}', { z: '${b}' }], '${keyNotRendered}': 1, n: 3 }, ['a', 'b']],
    [42, []],
  ])('%j → %j', (value, refs) => {
    expect(templateReferences(value)).toEqual(refs);
  });

  it('throws on a syntax error', () => {
    expect(errorOf(() => templateReferences(['${a +}'])).reason).toMatch(/syntax error/);
  });
});

import { parseJson, parseJsonObject } from './json-input';

describe('parseJsonObject', () => {
  it('accepts an object', () => {
    expect(parseJsonObject('{"who": "x", "n": 2}')).toEqual({ ok: true, value: { who: 'x', n: 2 } });
  });

  it('takes blank text as {} unless a value is required', () => {
    expect(parseJsonObject('  ')).toEqual({ ok: true, value: {} });
    expect(parseJsonObject('', false)).toEqual({ ok: false, error: 'a JSON object is required' });
  });

  it('refuses malformed JSON with the parser message', () => {
    const r = parseJsonObject('{"n": ');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/^invalid JSON: /);
  });

  it('refuses anything but an object', () => {
    expect(parseJsonObject('[1]')).toEqual({ ok: false, error: 'expected a JSON object like {"name": "value"}, got an array' });
    expect(parseJsonObject('null')).toMatchObject({ ok: false, error: expect.stringContaining('got null') });
    expect(parseJsonObject('"s"')).toMatchObject({ ok: false, error: expect.stringContaining('got a string') });
    expect(parseJsonObject('3')).toMatchObject({ ok: false, error: expect.stringContaining('got a number') });
  });
});

describe('parseJson', () => {
  it('accepts any JSON value, not blank text', () => {
    expect(parseJson('[1, true]')).toEqual({ ok: true, value: [1, true] });
    expect(parseJson('null')).toEqual({ ok: true, value: null });
    expect(parseJson(' ')).toEqual({ ok: false, error: 'a JSON value is required' });
  });
});

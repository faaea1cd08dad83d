import { ComponentData } from '../service';
import { FailComponent } from './fail.component';

describe('fail component', () => {
  const run = (inputs: Record<string, unknown>) => {
    const data = new ComponentData(inputs);
    return { ok: new FailComponent().execute(data), outputs: data.outputs };
  };

  it("fails with ex_data 'failed' by default", () => {
    expect(run({})).toEqual({ ok: false, outputs: { ex_data: 'failed' } });
  });

  it('fails with the given message', () => {
    expect(run({ message: 'disk full' })).toEqual({ ok: false, outputs: { ex_data: 'disk full' } });
    expect(run({ message: { why: 'x' } }).outputs.ex_data).toBe('{"why":"x"}');
    expect(run({ message: 42 }).outputs.ex_data).toBe('42');
  });

  it('succeeds when input fail is false (so a retry with new inputs passes)', () => {
    expect(run({ fail: false, message: 'ignored' })).toEqual({ ok: true, outputs: {} });
    expect(run({ fail: 'false' }).ok).toBe(true);
    expect(run({ fail: true }).ok).toBe(false);
  });

  it('fails with a clear message on a malformed fail input', () => {
    expect(run({ fail: 'maybe' })).toEqual({
      ok: false,
      outputs: { ex_data: `input 'fail' must be true or false, got "maybe"` },
    });
  });
});

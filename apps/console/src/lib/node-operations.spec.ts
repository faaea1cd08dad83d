import { operationAllowed, operationBody, operationsFor } from './node-operations';

describe('node operations', () => {
  it('offers each kind its operations', () => {
    expect(operationsFor('activity').map((s) => s.op)).toEqual(['callback', 'retry', 'skip', 'forced-fail', 'pause', 'resume']);
    expect(operationsFor('exclusive').map((s) => s.op)).toContain('skip-gateway');
    expect(operationsFor('subprocess').map((s) => s.op)).toContain('retry-subprocess');
    expect(operationsFor('start')).toEqual([]);
  });

  it("allows an operation in the states README's table names", () => {
    expect(operationAllowed('callback', 'RUNNING')).toBe(true);
    expect(operationAllowed('callback', 'FINISHED')).toBe(false);
    expect(operationAllowed('retry', 'FAILED')).toBe(true);
    expect(operationAllowed('skip', 'RUNNING')).toBe(false);
    expect(operationAllowed('pause', undefined)).toBe(true);
    expect(operationAllowed('pause', 'RUNNING')).toBe(false);
    expect(operationAllowed('resume', 'SUSPENDED')).toBe(true);
    expect(operationAllowed('skip-gateway', 'FAILED')).toBe(true);
  });

  it('builds the request bodies', () => {
    expect(operationBody('callback', { data: { ok: 1 } }, 3)).toEqual({ version: 3, data: { ok: 1 } });
    expect(operationBody('retry', { inputs: {} }, 1)).toEqual({});
    expect(operationBody('retry', { inputs: { a: 1 } }, 1)).toEqual({ inputs: { a: 1 } });
    expect(operationBody('forced-fail', { exData: 'too slow' }, 2)).toEqual({ exData: 'too slow', version: 2 });
    expect(operationBody('skip-gateway', { flowIds: ['f1'] }, 1)).toEqual({ flowId: 'f1' });
    expect(operationBody('skip-gateway', { flowIds: ['f1', 'f2'] }, 1)).toEqual({ flowIds: ['f1', 'f2'] });
    expect(operationBody('skip', {}, 1)).toEqual({});
  });
});

import { compileTree } from './compiled-tree';
import { operate } from './operations';
import type { ProcessRecord, RunRecord } from './run-state';
import { step } from './step';
import type { PipelineTree } from '../model/tree.types';

/** The core's share of admission (DESIGN §8.4): what a PENDING run allows, which endings free a slot. */
const TREE: PipelineTree = {
  id: 't',
  start_event: { id: 's', type: 'EmptyStartEvent', incoming: '', outgoing: 'f0' },
  end_event: { id: 'e', type: 'EmptyEndEvent', incoming: ['f0'], outgoing: '' },
  activities: {},
  gateways: {},
  flows: { f0: { id: 'f0', source: 's', target: 'e' } },
  data: { inputs: {}, outputs: [] },
};
const tree = compileTree(TREE, {});
const root: ProcessRecord = { id: 'p', runId: 'r', parentId: null, scopeId: 't', currentNodeId: 's', destinationId: null, state: 'ACTIVE', pendingChildren: 0, rev: 0 };
const opInput = (run: RunRecord) => ({ tree, run, processes: [root], nodes: new Map(), now: new Date(), newId: () => 'x' });

describe('admission in the core', () => {
  it('a PENDING run takes no step (a stray job waits for admission)', () => {
    const d = step({ tree, run: { id: 'r', state: 'PENDING', rev: 0 }, process: root, parent: null, nodes: new Map(), context: {}, now: new Date(), newId: () => 'x' });
    expect(d.dropped).toMatch(/PENDING/);
  });

  it('revoking a PENDING run ends it without freeing a slot; revoking an admitted one frees it', () => {
    expect(operate(opInput({ id: 'r', state: 'PENDING', rev: 0 }), { type: 'revoke_run' }).run).toMatchObject({ state: 'REVOKED', releasesSlot: false });
    for (const state of ['RUNNING', 'FAILED', 'SUSPENDED'] as const) {
      expect(operate(opInput({ id: 'r', state, rev: 0 }), { type: 'revoke_run' }).run).toMatchObject({ state: 'REVOKED', releasesSlot: true });
    }
  });

  it('a run timeout revokes with the slot freed', () => {
    const d = operate(opInput({ id: 'r', state: 'RUNNING', rev: 0, deadlineAt: new Date(0) }), { type: 'timeout_run' });
    expect(d.run).toMatchObject({ state: 'REVOKED', reason: 'timeout', releasesSlot: true });
  });

  it('a PENDING run can only be revoked (or its context updated): pausing it is a 409', () => {
    expect(() => operate(opInput({ id: 'r', state: 'PENDING', rev: 0 }), { type: 'pause_run' })).toThrow(expect.objectContaining({ code: 'OPERATION_NOT_ALLOWED' }));
    expect(() => operate(opInput({ id: 'r', state: 'PENDING', rev: 0 }), { type: 'skip_node', nodeId: 's' })).toThrow(expect.objectContaining({ code: 'OPERATION_NOT_ALLOWED' }));
  });

  it('reaching the root end event finishes the run and frees its slot', () => {
    const atEnd = { ...root, currentNodeId: 'e' };
    const d = step({ tree, run: { id: 'r', state: 'RUNNING', rev: 0 }, process: atEnd, parent: null, nodes: new Map(), context: {}, now: new Date(), newId: () => 'x' });
    expect(d.run).toMatchObject({ state: 'FINISHED', releasesSlot: true });
  });
});

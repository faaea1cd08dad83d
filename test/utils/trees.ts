/** Small valid and invalid trees for e2e suites (bamboo format, DESIGN §3). */

/** start → a1 (noop) → end. */
export function linearTree(id = 'linear', code = 'noop'): Record<string, unknown> {
  return {
    id,
    start_event: {
      id: 'start',
      type: 'EmptyStartEvent',
      name: 'start',
      incoming: '',
      outgoing: 'f1',
    },
    end_event: { id: 'end', type: 'EmptyEndEvent', name: 'end', incoming: ['f2'], outgoing: '' },
    activities: {
      a1: {
        id: 'a1',
        type: 'ServiceActivity',
        name: 'a1',
        incoming: ['f1'],
        outgoing: 'f2',
        component: { code, inputs: {} },
        error_ignorable: false,
        skippable: true,
        retryable: true,
        optional: false,
      },
    },
    gateways: {},
    flows: {
      f1: { id: 'f1', source: 'start', target: 'a1', is_default: false },
      f2: { id: 'f2', source: 'a1', target: 'end', is_default: false },
    },
    data: { inputs: {}, outputs: [] },
  };
}

/** A tree with two problems: an unknown component and a flow pointing at a missing node. */
export function brokenTree(): Record<string, unknown> {
  const tree = linearTree('broken', 'no_such_component');
  (tree.flows as Record<string, unknown>).f3 = {
    id: 'f3',
    source: 'a1',
    target: 'ghost',
    is_default: false,
  };
  return tree;
}

/** Tree builders for run e2e suites: a chain of activities, each `{code, inputs}`. */
export interface StepSpec {
  id: string;
  code: string;
  inputs?: Record<string, { type: 'plain' | 'splice' | 'lazy'; value: unknown; custom_type?: string }>;
  extra?: Record<string, unknown>;
}

export function chainTree(id: string, steps: StepSpec[], data: Record<string, unknown> = { inputs: {}, outputs: [] }) {
  const ids = ['s', ...steps.map((s) => s.id), 'e'];
  const flows: Record<string, unknown> = {};
  for (let i = 1; i < ids.length; i++) flows[`f${i}`] = { id: `f${i}`, source: ids[i - 1], target: ids[i], is_default: false };
  const activities: Record<string, unknown> = {};
  steps.forEach((s, i) => {
    activities[s.id] = {
      id: s.id,
      type: 'ServiceActivity',
      name: s.id,
      incoming: [`f${i + 1}`],
      outgoing: `f${i + 2}`,
      component: { code: s.code, inputs: s.inputs ?? {} },
      error_ignorable: false,
      skippable: true,
      retryable: true,
      optional: false,
      ...(s.extra ?? {}),
    };
  });
  return {
    id,
    start_event: { id: 's', type: 'EmptyStartEvent', name: 'start', incoming: '', outgoing: 'f1' },
    end_event: { id: 'e', type: 'EmptyEndEvent', name: 'end', incoming: [`f${ids.length - 1}`], outgoing: '' },
    activities,
    gateways: {},
    flows,
    data,
  };
}

export const plain = (value: unknown) => ({ type: 'plain' as const, value });
export const splice = (value: unknown) => ({ type: 'splice' as const, value });

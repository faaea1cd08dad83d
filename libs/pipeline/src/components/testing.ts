import type { ParentData } from './service';

/** A `ParentData` for calling a component directly in a spec; override what the test needs. */
export function createParentData(overrides: Partial<ParentData> = {}): ParentData {
  return {
    runId: 'run-1',
    nodeId: 'node-1',
    version: 1,
    pipelineId: 'pipeline-1',
    loop: 0,
    retries: 0,
    scheduleTimes: 0,
    context: {},
    ...overrides,
  };
}

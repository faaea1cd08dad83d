/**
 * Which node operations the console offers for a node, when (README "Operations": the state
 * each is allowed in), what input each asks for, and the body it sends. Pure.
 */
import type { NodeOperation } from '../api/api-client';
import type { NodeKind } from '../api/api-types';

/** The input an operation asks for in its confirmation dialog. */
export type OperationInput = 'none' | 'retry-inputs' | 'callback-data' | 'ex-data' | 'flows';

/** One node operation as a button. */
export interface NodeOperationSpec {
  op: NodeOperation;
  label: string;
  input: OperationInput;
  /** What the confirmation says it does. */
  explains: string;
}

const SPECS: Record<NodeOperation, NodeOperationSpec> = {
  retry: { op: 'retry', label: 'Retry', input: 'retry-inputs', explains: 'Runs the failed node again at a new version (inputs given are merged over its last ones).' },
  skip: { op: 'skip', label: 'Skip', input: 'none', explains: 'Finishes the failed activity as skipped and goes on.' },
  pause: { op: 'pause', label: 'Pause here', input: 'none', explains: 'Appointed pause: the run stops at this node, which shows SUSPENDED.' },
  resume: { op: 'resume', label: 'Resume', input: 'none', explains: 'The suspended node becomes READY and the run goes on through it.' },
  'forced-fail': { op: 'forced-fail', label: 'Force fail', input: 'ex-data', explains: 'Fails the running activity now; its in-flight work is dropped when it returns.' },
  callback: { op: 'callback', label: 'Callback', input: 'callback-data', explains: 'Sends callback data to the running activity at its current version.' },
  'skip-gateway': { op: 'skip-gateway', label: 'Skip gateway', input: 'flows', explains: 'Takes the chosen outgoing flow(s) past the failed gateway.' },
  'retry-subprocess': { op: 'retry-subprocess', label: 'Retry sub-process', input: 'none', explains: 'Runs the sub-process again from its start.' },
};

const BY_KIND: Record<NodeKind, NodeOperation[]> = {
  activity: ['callback', 'retry', 'skip', 'forced-fail', 'pause', 'resume'],
  dag_work: ['callback', 'retry', 'skip', 'forced-fail', 'pause', 'resume'],
  subprocess: ['retry-subprocess', 'retry', 'skip', 'pause', 'resume'],
  exclusive: ['skip-gateway', 'retry', 'pause', 'resume'],
  conditional_parallel: ['skip-gateway', 'retry', 'pause', 'resume'],
  parallel: ['retry', 'pause', 'resume'],
  converge: ['retry', 'pause', 'resume'],
  start: [],
  end: ['pause', 'resume'],
};

/** The operations a node of this kind has, as buttons (in this order). */
export function operationsFor(kind: NodeKind): NodeOperationSpec[] {
  return BY_KIND[kind].map((op) => SPECS[op]);
}

/**
 * Whether the operation is allowed in the node's state (undefined: the node has not run).
 * The server has the last word (409 OPERATION_NOT_ALLOWED); this only greys buttons out.
 */
export function operationAllowed(op: NodeOperation, state: string | undefined): boolean {
  switch (op) {
    case 'pause':
      return state === undefined || state === 'CREATED' || state === 'READY';
    case 'resume':
      return state === 'SUSPENDED';
    case 'retry':
    case 'skip':
    case 'skip-gateway':
      return state === 'FAILED';
    case 'forced-fail':
    case 'callback':
      return state === 'RUNNING';
    case 'retry-subprocess':
      return state === 'RUNNING' || state === 'FAILED';
  }
}

/** What the dialog collected. */
export interface OperationForm {
  inputs?: Record<string, unknown>;
  data?: unknown;
  exData?: string;
  flowIds?: string[];
}

/** The request body of a node operation; `version` is the node's current one (callback, forced-fail). */
export function operationBody(op: NodeOperation, form: OperationForm, version: number | undefined): Record<string, unknown> {
  switch (op) {
    case 'retry':
      return form.inputs && Object.keys(form.inputs).length ? { inputs: form.inputs } : {};
    case 'callback':
      return { version, data: form.data ?? {} };
    case 'forced-fail':
      return { ...(form.exData ? { exData: form.exData } : {}), ...(version !== undefined ? { version } : {}) };
    case 'skip-gateway': {
      const flows = form.flowIds ?? [];
      return flows.length === 1 ? { flowId: flows[0] } : { flowIds: flows };
    }
    default:
      return {};
  }
}

import type { NodeStateName, RunStateName } from './states';

/**
 * bamboo's node transition table: which state a node may move to from which. Every node
 * state change the engine decides goes through `transit`, so an illegal change is a bug
 * caught at the source, not a corrupt row.
 */
export const NODE_TRANSITIONS: Readonly<Record<NodeStateName, readonly NodeStateName[]>> = {
  READY: ['RUNNING', 'SUSPENDED', 'REVOKED', 'SKIPPED'],
  RUNNING: ['FINISHED', 'FAILED', 'REVOKED', 'SUSPENDED', 'RUNNING'],
  SUSPENDED: ['READY', 'RUNNING', 'REVOKED', 'SKIPPED'],
  BLOCKED: ['REVOKED'],
  FINISHED: ['RUNNING', 'FAILED'],
  FAILED: ['READY', 'RUNNING', 'FINISHED', 'REVOKED'],
  REVOKED: [],
  SKIPPED: ['READY'],
};

/**
 * What can happen to a node. `enter` covers a first entry (no prior state: pass `undefined`)
 * and re-entry through a loop; `retry` re-runs a failed node; `skip` finishes a failed one;
 * `forced_fail` fails a running one; `ignore_error` finishes a failed execution of an
 * error-ignorable node; `auto_retry` renews a running node's version for a retry policy;
 * `suspend` is the appointed pause (also of a node not reached yet); `reset` makes a failed
 * gateway or sub-process ready to be entered again (retry of a non-activity, sub-process retry).
 * DAG works (§8.1): `trigger` readies a work whose trigger rule holds; `rule_skip` ends one
 * whose rule can no longer hold (also one under an appointed pause it never reached);
 * `reopen` puts a work skipped by its rule back to waiting for it (its upstream was retried).
 */
export const NODE_EVENTS = [
  'enter',
  'finish',
  'fail',
  'ignore_error',
  'auto_retry',
  'suspend',
  'resume',
  'retry',
  'skip',
  'forced_fail',
  'revoke',
  'reset',
  'trigger',
  'rule_skip',
  'reopen',
] as const;
export type NodeEvent = (typeof NODE_EVENTS)[number];

/** For each event: the states it applies in (absent key = none) and the state it leads to. */
const EVENT_TABLE: Readonly<Record<NodeEvent, Partial<Record<NodeStateName | 'NONE', NodeStateName>>>> = {
  enter: { NONE: 'RUNNING', READY: 'RUNNING', FINISHED: 'RUNNING', SUSPENDED: 'RUNNING' },
  finish: { RUNNING: 'FINISHED' },
  fail: { RUNNING: 'FAILED' },
  ignore_error: { RUNNING: 'FINISHED' },
  auto_retry: { RUNNING: 'RUNNING' },
  suspend: { NONE: 'SUSPENDED', READY: 'SUSPENDED', RUNNING: 'SUSPENDED' },
  resume: { SUSPENDED: 'READY' },
  retry: { FAILED: 'RUNNING' },
  skip: { FAILED: 'FINISHED' },
  forced_fail: { RUNNING: 'FAILED' },
  revoke: { READY: 'REVOKED', RUNNING: 'REVOKED', SUSPENDED: 'REVOKED', BLOCKED: 'REVOKED', FAILED: 'REVOKED' },
  reset: { FAILED: 'READY' },
  trigger: { NONE: 'READY' },
  rule_skip: { NONE: 'SKIPPED', READY: 'SKIPPED', SUSPENDED: 'SKIPPED' },
  reopen: { SKIPPED: 'READY' },
};

/** Events that give the node a new version (a new "life"): stale work of the old one is dropped. */
const RENEWS_VERSION: ReadonlySet<NodeEvent> = new Set(['enter', 'auto_retry', 'retry', 'skip', 'forced_fail', 'reset', 'reopen']);

export type NodeTransit =
  | { ok: true; to: NodeStateName; renewVersion: boolean }
  | { ok: false; reason: string };

/** The state a node in `from` (undefined = never entered) moves to on `event`, or why it cannot. */
export function transit(from: NodeStateName | undefined, event: NodeEvent): NodeTransit {
  const to = EVENT_TABLE[event][from ?? 'NONE'];
  if (!to) {
    return { ok: false, reason: `cannot ${event} a node that is ${from ?? 'not started'}` };
  }
  if (from && from !== to && !NODE_TRANSITIONS[from].includes(to)) {
    // The event table must never contradict bamboo's transition table.
    return { ok: false, reason: `transition ${from} -> ${to} is not allowed` };
  }
  return { ok: true, to, renewVersion: RENEWS_VERSION.has(event) };
}

/** Run states a run can no longer leave. */
export const FINAL_RUN_STATES: ReadonlySet<RunStateName> = new Set(['FINISHED', 'REVOKED']);
/** Node states in which a node has stopped for good (until an operation re-opens it). */
export const SETTLED_NODE_STATES: ReadonlySet<NodeStateName> = new Set(['FINISHED', 'FAILED', 'REVOKED', 'SKIPPED']);

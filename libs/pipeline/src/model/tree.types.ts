import type { OnFailure } from './on-failure';
/**
 * The bamboo-compatible pipeline tree (DESIGN §3). These types describe a tree that has
 * passed schema validation; raw input is `unknown` until `validateTree` accepts it.
 * Field names are kept exactly as bamboo writes them (snake_case) so trees move over unchanged.
 */

/** How a variable or component input gets its value. */
export type VariableType = 'plain' | 'splice' | 'lazy';

/** A context variable in `data.inputs`, keyed `"${name}"`. */
export interface TreeVariable {
  type: VariableType;
  value: unknown;
  /** With `source_act`/`source_key`, the variable takes that node's output when it finishes. */
  source_act?: string | string[];
  source_key?: string;
  /** For `lazy` variables: the registered provider that computes the value. */
  custom_type?: string;
  is_param?: boolean;
}

/** A component input: plain value, template to render, or lazy provider. */
export interface ComponentInput {
  type: VariableType;
  value: unknown;
  custom_type?: string;
}

export interface ComponentRef {
  code: string;
  version?: string;
  inputs: Record<string, ComponentInput>;
}

/** How the delay between automatic retries grows (DESIGN §8.3). */
export type RetryBackoff = 'fixed' | 'exponential';

/**
 * Automatic retry before a failure sticks (DESIGN §8.3; orderlines' retry strategy, Termite's
 * retries). `max` counts retries after the first attempt (max 2 = 3 attempts); the n-th retry
 * waits `delaySeconds` (`fixed`, the default) or `delaySeconds × 2^(n-1)` (`exponential`),
 * capped by `maxDelaySeconds`. See `retryDelayMs` in `engine/retry-policy.ts`.
 */
export interface RetryPolicy {
  max: number;
  delaySeconds?: number;
  /**
   * `fixed` | `exponential`; a number is the legacy form, a multiplier applied to the delay
   * after each attempt (1 = fixed, 2 = exponential).
   */
  backoff?: RetryBackoff | number;
  /** Upper bound of any one delay, in seconds. */
  maxDelaySeconds?: number;
}

/**
 * Node timeouts (DESIGN §8.3), in seconds: `queueSeconds` from the engine dispatching the node
 * until a worker starts it, `runningSeconds` from that start until it is done. On expiry the
 * node is retried under its `retry` policy if retries remain, else it fails. Not bamboo's
 * `timeout_config` (§7), which keeps its own meaning.
 */
export interface NodeTimeouts {
  queueSeconds?: number;
  runningSeconds?: number;
}

/** What a result binding casts its value to (orderlines' `variable_type`, Python's casts). */
export type ResultCast = 'int' | 'float' | 'str' | 'dict' | 'list' | 'bool';

/**
 * A variable an activity sets in its scope when it finishes successfully (orderlines'
 * `result`). A string `value` containing `${` is an expression in which `${k}` is key `k` of
 * the returned outputs, else the scope's variable `k`; `${return_value}` is the outputs (their
 * only value when there is one key). Any other value is taken as written. See engine/results.ts.
 */
export interface ResultBinding {
  /** The variable's name, without `${}`. */
  variable: string;
  value: unknown;
  /** Cast applied to the value; one that cannot be cast fails the activity. */
  type?: ResultCast;
}

export interface TimeoutConfig {
  enable: boolean;
  action: string;
  seconds: number;
}

export interface TimerEventDefinition {
  enable: boolean;
  action: string;
  timer_type: 'time_date' | 'time_duration' | 'time_cycle';
  defined: string;
}

export interface StartEvent {
  id: string;
  type: 'EmptyStartEvent';
  name?: string;
  incoming: string | string[];
  outgoing: string;
}

export interface EndEvent {
  id: string;
  type: 'EmptyEndEvent';
  name?: string;
  incoming: string[];
  outgoing: string | string[];
}

export interface ServiceActivity {
  id: string;
  type: 'ServiceActivity';
  name?: string;
  incoming: string[];
  outgoing: string;
  component: ComponentRef;
  error_ignorable?: boolean;
  skippable?: boolean;
  retryable?: boolean;
  optional?: boolean;
  timeout_config?: TimeoutConfig;
  events?: { timer_events?: TimerEventDefinition[] };
  retry?: RetryPolicy;
  timeout?: NodeTimeouts;
  /** Variables set in the node's scope when it finishes successfully (engine/results.ts). */
  results?: ResultBinding[];
  /**
   * A variable of the node's scope that records how the node ended, for gateway conditions:
   * `finished`, `error_ignored` (failed, error ignored) or `skipped` (skipped by an operator).
   * See engine/node-outcome.ts.
   */
  outcomeVariable?: string;
  /** Failure callback once the node fails for good (DESIGN §8.6); `on_failure` is accepted too. */
  onFailure?: OnFailure;
  on_failure?: OnFailure;
}

export interface SubProcess {
  id: string;
  type: 'SubProcess';
  name?: string;
  incoming: string[];
  outgoing: string;
  /** Rendered in the parent's context and given to the child as its inputs. */
  params?: Record<string, TreeVariable>;
  pipeline: PipelineTree;
  error_ignorable?: boolean;
  skippable?: boolean;
  retryable?: boolean;
}

export type Activity = ServiceActivity | SubProcess;

export interface Condition {
  evaluate: string;
  name?: string;
}

export interface ParallelGateway {
  id: string;
  type: 'ParallelGateway';
  name?: string;
  incoming: string[];
  outgoing: string[];
  converge_gateway_id?: string;
}

export interface ExclusiveGateway {
  id: string;
  type: 'ExclusiveGateway';
  name?: string;
  incoming: string[];
  outgoing: string[];
  conditions: Record<string, Condition>;
  default_condition?: { flow_id?: string; name?: string };
}

export interface ConditionalParallelGateway {
  id: string;
  type: 'ConditionalParallelGateway';
  name?: string;
  incoming: string[];
  outgoing: string[];
  conditions: Record<string, Condition>;
  default_condition?: { flow_id?: string; name?: string };
  converge_gateway_id?: string;
}

export interface ConvergeGateway {
  id: string;
  type: 'ConvergeGateway';
  name?: string;
  incoming: string[];
  outgoing: string;
}

export type Gateway =
  | ParallelGateway
  | ExclusiveGateway
  | ConditionalParallelGateway
  | ConvergeGateway;

export interface Flow {
  id: string;
  source: string;
  target: string;
  is_default?: boolean;
}

/** Tree-level options (not in bamboo's format; bamboo passes these as validator arguments). */
export interface TreeOptions {
  /** Allow loops through exclusive gateways (bamboo's `cycle_tolerate`). */
  cycle_tolerate?: boolean;
}

/**
 * A work's place in a DAG scope (DESIGN §8.1, compiled from `format: "dag"`): its direct
 * upstream works and the trigger rule over their outcomes (one of `TRIGGER_RULES`).
 */
export interface DagWorkSpec {
  upstream: string[];
  trigger_rule: string;
}

export interface PipelineTree {
  id: string;
  name?: string;
  start_event: StartEvent;
  end_event: EndEvent;
  activities: Record<string, Activity>;
  gateways: Record<string, Gateway>;
  flows: Record<string, Flow>;
  data: { inputs: Record<string, TreeVariable>; outputs: string[] };
  options?: TreeOptions;
  /**
   * Present on a DAG scope: its activities are works started by `upstream` and trigger rules
   * instead of flows (which are empty); the start and end events are the run's bounds only.
   */
  dag?: { works: Record<string, DagWorkSpec> };
}

export type AnyNode = StartEvent | EndEvent | Activity | Gateway;
export type NodeType = AnyNode['type'];

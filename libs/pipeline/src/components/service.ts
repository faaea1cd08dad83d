/**
 * The component contract (DESIGN §4), bamboo's `Service` in TypeScript. A component is a Nest
 * provider class extending `Service` and decorated with `@PipelineComponent({ code })`; the
 * registry discovers it at boot. Instances are singletons shared by every run: keep per-run
 * state in `data`, never on `this`.
 *
 * Rules the runtime relies on:
 * - To fail, return `false` (or throw); put the reason in `data.outputs.ex_data` (else a thrown
 *   error's message is used). `failWith(data, reason)` does both.
 * - `data.outputs` is saved between `execute` and every `schedule` call: progress lives there.
 * - Never wait inside `execute` / `schedule` (no sleeping): use a `poll` schedule type and let
 *   `pollIntervalSeconds` say when to come back, or a `callback` one.
 * - Delivery is at-least-once: after a crash `execute` or `schedule` may run again with the
 *   outputs as last saved, so make them idempotent (or tolerant of a repeat).
 */

/** How a component that does not finish in `execute` is continued. */
export type ScheduleType = 'poll' | 'callback' | 'multi_callback';

/** A component's view of its node: rendered inputs in, outputs out. */
export class ComponentData {
  /** Set by `Service.finishSchedule`; read by the runtime after `schedule` returns. */
  scheduleFinished = false;

  constructor(
    readonly inputs: Record<string, unknown>,
    readonly outputs: Record<string, unknown> = {},
  ) {}

  getInput<T = unknown>(key: string, fallback?: T): T {
    return (
      key in this.inputs && this.inputs[key] !== undefined ? this.inputs[key] : fallback
    ) as T;
  }

  setOutput(key: string, value: unknown): void {
    this.outputs[key] = value;
  }

  getOutput<T = unknown>(key: string, fallback?: T): T {
    return (key in this.outputs ? this.outputs[key] : fallback) as T;
  }

  /** Set by `offerExternalTask`; read by the runtime after `execute` returns. */
  externalTask?: { topic: string; payload: unknown };

  /**
   * From `execute` of a `callback` component: hand this node to external workers (DESIGN §8.6).
   * The engine stores a task on `topic` in the same transaction as the node's wait; a worker
   * fetches and locks it over REST, and its `complete` (`{outputs}`) or `fail` (`{error}`)
   * reaches `schedule` as the node's callback.
   */
  offerExternalTask(topic: string, payload: unknown): void {
    this.externalTask = { topic, payload };
  }
}

/** Read-only facts about the run and node a component is working for. */
export interface ParentData {
  runId: string;
  nodeId: string;
  /** The node's state version; callbacks must quote it. */
  version: number;
  /** The id of the (sub-)pipeline the node belongs to. */
  pipelineId: string;
  /** Which life of the node this is: 1 the first time, +1 for each re-entry through a loop (as bamboo counts). */
  loop: number;
  /** How many times the node has been retried. */
  retries: number;
  /** For `schedule`: how many times schedule has run before this call (0 on the first). */
  scheduleTimes: number;
  /** The pipeline's context variables as rendered for this node (read-only). */
  context: Readonly<Record<string, unknown>>;
}

/** Describes one input or output key, for docs and the component catalogue. */
export interface FieldFormat {
  key: string;
  type: 'string' | 'number' | 'boolean' | 'object' | 'array' | 'any';
  required?: boolean;
  description?: string;
}

export abstract class Service {
  /** `undefined` = the node finishes when `execute` returns. */
  readonly scheduleType?: ScheduleType;
  /** Receive node-level events as methods (`nodeEnter`, `nodeFinish`, ...). */
  readonly needRunHook: boolean = false;

  /**
   * Do the work. Return `false` (or throw) to fail the node; set outputs on `data`. A
   * component with a `scheduleType` is scheduled afterwards unless `execute` failed.
   */
  abstract execute(
    data: ComponentData,
    parentData: ParentData,
  ): boolean | void | Promise<boolean | void>;

  /**
   * Continue a scheduled node: called every poll interval (`poll`), or with the callback's
   * data (`callback`, `multi_callback`). Call `this.finishSchedule(data)` when done; return
   * `false` (or throw) to fail.
   */
  schedule(
    _data: ComponentData,
    _parentData: ParentData,
    _callbackData?: unknown,
  ): boolean | void | Promise<boolean | void> {
    return true;
  }

  /** Seconds until the next `schedule` call of a `poll` component; `scheduleTimes` counts calls so far. */
  pollIntervalSeconds(_data: ComponentData, _scheduleTimes: number): number {
    return 1;
  }

  finishSchedule(data: ComponentData): void {
    data.scheduleFinished = true;
  }

  // ---- hooks (DESIGN §6): called only when `needRunHook` is true; all optional. A hook that
  // throws is logged and ignored. Output changes made in `nodeEnter`, `nodeFinish`,
  // `node*Fail` and `node*Exception` are saved with the node; the operation hooks (pause,
  // resume, retry, skip, forced fail, callback) get a read-only copy.

  /** Before `execute` (each version of the node). */
  nodeEnter?(data: ComponentData, parentData: ParentData): unknown;
  /** The node finished (also when it ignored an error). */
  nodeFinish?(data: ComponentData, parentData: ParentData): unknown;
  /** `execute` failed (not fired when the node ignores errors). */
  nodeExecuteFail?(data: ComponentData, parentData: ParentData): unknown;
  /** `schedule` failed (not fired when the node ignores errors). */
  nodeScheduleFail?(data: ComponentData, parentData: ParentData, callbackData?: unknown): unknown;
  /** `execute` threw. */
  nodeExecuteException?(data: ComponentData, parentData: ParentData): unknown;
  /** `schedule` threw. */
  nodeScheduleException?(data: ComponentData, parentData: ParentData, callbackData?: unknown): unknown;
  preResumeNode?(data: ComponentData, parentData: ParentData): unknown;
  postResumeNode?(data: ComponentData, parentData: ParentData): unknown;
  prePauseNode?(data: ComponentData, parentData: ParentData): unknown;
  postPauseNode?(data: ComponentData, parentData: ParentData): unknown;
  preRetryNode?(data: ComponentData, parentData: ParentData): unknown;
  postRetryNode?(data: ComponentData, parentData: ParentData): unknown;
  preSkipNode?(data: ComponentData, parentData: ParentData): unknown;
  postSkipNode?(data: ComponentData, parentData: ParentData): unknown;
  preForcedFailActivity?(data: ComponentData, parentData: ParentData): unknown;
  postForcedFailActivity?(data: ComponentData, parentData: ParentData): unknown;
  /** A callback is about to be accepted (`callbackData` is what the caller sent). */
  preCallback?(data: ComponentData, parentData: ParentData, callbackData?: unknown): unknown;

  inputsFormat(): FieldFormat[] {
    return [];
  }

  outputsFormat(): FieldFormat[] {
    return [];
  }
}

/** Names of the hook methods a component with `needRunHook = true` may define. */
export type ServiceHookName =
  | 'nodeEnter'
  | 'nodeFinish'
  | 'nodeExecuteFail'
  | 'nodeScheduleFail'
  | 'nodeExecuteException'
  | 'nodeScheduleException'
  | 'preResumeNode'
  | 'postResumeNode'
  | 'prePauseNode'
  | 'postPauseNode'
  | 'preRetryNode'
  | 'postRetryNode'
  | 'preSkipNode'
  | 'postSkipNode'
  | 'preForcedFailActivity'
  | 'postForcedFailActivity'
  | 'preCallback';

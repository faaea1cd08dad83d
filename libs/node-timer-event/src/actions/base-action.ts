import type { ComponentData, ParentData } from '@app/pipeline';
import type { TimerType } from '../timer-schedule';

/** Which timer fired, for which node: the third argument of `BaseAction.do`. */
export interface TimerActionEvent {
  /** The run (bamboo's root pipeline id). */
  runId: string;
  nodeId: string;
  /** The node state version the timer was armed under; the node was RUNNING at it when checked. */
  version: number;
  /** 1-based index of the event among the node's enabled timer events (the seed's numbering). */
  index: number;
  timerType: TimerType;
  defined: string;
  /** How many times this event has fired, this firing included. */
  firedCount: number;
  /** When it was due (ms since the epoch); it fires no earlier. */
  dueAt: number;
}

/**
 * What a timer boundary event does when it fires (bamboo's `node_timer_event` `BaseAction`).
 * Subclass it, decorate the class with `@TimerEventAction('<name>')` and declare it as a
 * provider of any module: `ActionRegistry` finds it at boot, and trees name it in
 * `events.timer_events[].action`.
 *
 * Instances are singletons shared by every run (inject services through the constructor;
 * keep no per-run state on `this`). Delivery is at-least-once, so `do` may run twice for one
 * firing after a crash: make it idempotent.
 */
export abstract class BaseAction {
  /**
   * Acts on the node: `data` is the node's inputs and outputs, `parentData` its run and
   * context, `event` the timer that fired. Answers whether the action applied (false: e.g.
   * the node had already moved on); throw for a transient failure, to be retried.
   */
  abstract do(
    data: ComponentData,
    parentData: ParentData,
    event: TimerActionEvent,
  ): boolean | Promise<boolean>;
}

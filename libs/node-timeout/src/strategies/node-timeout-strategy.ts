/** The node whose timeout expired: the argument of `NodeTimeoutStrategy.dealWithTimeoutNode`. */
export interface TimedOutNode {
  /** The run (bamboo's root pipeline id). */
  runId: string;
  nodeId: string;
  /** The node state version the timeout was armed under; the node was RUNNING at it when checked. */
  version: number;
  /** The configured `timeout_config.seconds`. */
  seconds: number;
  /** When the timeout was due (ms since the epoch); it fires no earlier. */
  dueAt: number;
}

/** The seed's strategy answer: did it apply, and why not. */
export interface TimeoutStrategyResult {
  result: boolean;
  message: string;
  data?: unknown;
}

/**
 * What happens to a node that runs longer than its `timeout_config.seconds` (bamboo's
 * `NodeTimeoutStrategy`). Built in: `forced_fail`, `forced_fail_and_skip`. For a custom one,
 * subclass this, decorate the class with `@TimeoutStrategy('<name>')` and declare it as a
 * provider of any module; trees name it in `timeout_config.action`.
 *
 * Instances are singletons (keep no per-run state on `this`). Delivery is at-least-once:
 * make `dealWithTimeoutNode` idempotent. Throw only for a transient failure, to be retried.
 */
export abstract class NodeTimeoutStrategy {
  abstract dealWithTimeoutNode(node: TimedOutNode): Promise<TimeoutStrategyResult>;
}

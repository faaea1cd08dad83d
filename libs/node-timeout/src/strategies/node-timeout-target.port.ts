/**
 * What the built-in timeout strategies need from the engine: bamboo's `forced_fail_activity`
 * and `skip_node` operations. Bind it (e.g. `{ provide: NodeTimeoutTarget, useExisting: ... }`)
 * to the operations service, visible to `NodeTimeoutModule`; without a binding the built-ins
 * throw when a timeout fires.
 *
 * Each method answers `false` (or throws a `PipelineError` of kind `conflict` / `not_found`,
 * read the same way) when the node is no longer in a state that allows it. Other errors are
 * transient and retried.
 */
export abstract class NodeTimeoutTarget {
  /** Forces the RUNNING node, at `version`, to fail with `exData` as its error. */
  abstract forcedFail(
    runId: string,
    nodeId: string,
    version: number,
    exData: string,
  ): Promise<boolean | void>;

  /** Skips the FAILED node so the run goes on. */
  abstract skip(runId: string, nodeId: string): Promise<boolean | void>;
}

/**
 * What built-in timer actions need from the engine: bamboo's `forced_fail_activity` and
 * `skip_node` operations. Each contrib module derives its own DI token from it (so each can
 * be rebound on its own) and binds it by default with `runOperationsTargetBinding`.
 *
 * Each method answers `false` (or throws a `PipelineError` of kind `conflict` / `not_found`,
 * read the same way) when the node is no longer in a state that allows it: the timer then
 * simply does nothing. Other errors are transient and retried.
 */
export abstract class NodeTimerTarget {
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

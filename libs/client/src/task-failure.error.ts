/**
 * Thrown by an `ExternalTaskWorker` handler to fail the task with explicit retry settings:
 * `retries` is how many tries remain (0 fails the node now), `retryDelaySeconds` the wait before
 * the next offer. Any other error fails the task with the node's own retry policy.
 */
export class TaskFailure extends Error {
  override readonly name = 'TaskFailure';

  constructor(
    message: string,
    readonly options: { retries?: number; retryDelaySeconds?: number } = {},
  ) {
    super(message);
  }
}

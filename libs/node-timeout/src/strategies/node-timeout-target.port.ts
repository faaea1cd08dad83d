import { NodeTimerTarget } from '@app/pipeline';

/**
 * What the built-in timeout strategies need from the engine (`forcedFail`, `skip`; see
 * `NodeTimerTarget`). Bind it (e.g. `{ provide: NodeTimeoutTarget, useExisting: ... }`) to
 * the operations service, visible to `NodeTimeoutModule`; without a binding the built-ins
 * throw when a timeout fires. A token of its own, so timeouts can be rebound without
 * touching timer events.
 */
export abstract class NodeTimeoutTarget extends NodeTimerTarget {}

import { NodeTimerTarget } from '@app/pipeline';

/**
 * What the built-in timer event actions need from the engine (`forcedFail`, `skip`; see
 * `NodeTimerTarget`). Bind it (e.g. `{ provide: TimerActionTarget, useExisting: ... }`) to
 * the operations service, visible to `NodeTimerEventModule`; without a binding the
 * built-ins throw when they fire. A token of its own, so timer events can be rebound without
 * touching timeouts.
 */
export abstract class TimerActionTarget extends NodeTimerTarget {}

import { runOperationsTargetBinding } from '@app/pipeline';
import { Module } from '@nestjs/common';
import { TimerActionTarget } from '../actions/timer-action-target.port';

/**
 * The class of the default `TimerActionTarget`: the engine's operations, the forced failure
 * at the version the timer was armed under.
 */
export { RunOperationsNodeTimerTarget as RunOperationsTimerActionTarget } from '@app/pipeline';

/**
 * Registers the default `TimerActionTarget` binding: global, and found after the modules
 * imported into `NodeTimerEventModule`, so one of yours binding another target takes precedence.
 */
@Module({ imports: [runOperationsTargetBinding(TimerActionTarget)] })
export class TimerActionTargetModule {}

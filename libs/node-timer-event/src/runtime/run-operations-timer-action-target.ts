import { RunOperationsService } from '@app/pipeline';
import { Global, Module } from '@nestjs/common';
import { TimerActionTarget } from '../actions/timer-action-target.port';

/**
 * The built-in actions' `TimerActionTarget`, bound to the engine's operations: the forced
 * failure names the version the timer was armed under (409 once the node moved on, which
 * the actions read as "nothing to do"), the skip follows it.
 */
export class RunOperationsTimerActionTarget extends TimerActionTarget {
  constructor(private readonly operations: RunOperationsService) {
    super();
  }

  async forcedFail(runId: string, nodeId: string, version: number, exData: string): Promise<void> {
    await this.operations.forcedFail(runId, nodeId, exData, version);
  }

  async skip(runId: string, nodeId: string): Promise<void> {
    await this.operations.skipNode(runId, nodeId);
  }
}

/**
 * The default binding of `TimerActionTarget`: the operations of the app's `PipelineModule` (none
 * without one). Global, and imported by `TimerActionTargetModule` rather than by `NodeTimerEventModule`
 * itself, so Nest binds it to `NodeTimerEventModule` after that module's own imports: a module of
 * yours imported into `NodeTimerEventModule` that exports another `TimerActionTarget` takes precedence.
 */
@Global()
@Module({
  providers: [
    {
      provide: TimerActionTarget,
      useFactory: (operations?: RunOperationsService): TimerActionTarget | null =>
        operations ? new RunOperationsTimerActionTarget(operations) : null,
      inject: [{ token: RunOperationsService, optional: true }],
    },
  ],
  exports: [TimerActionTarget],
})
class TimerActionTargetBinding {}

/** Registers the default `TimerActionTarget` binding (global, found after the modules imported into `NodeTimerEventModule`). */
@Module({ imports: [TimerActionTargetBinding] })
export class TimerActionTargetModule {}

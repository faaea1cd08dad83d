import type { DynamicModule } from '@nestjs/common';
import { RunOperationsService } from '../runtime/run-operations.service';
import { NodeTimerTarget } from './node-timer-target.port';

/**
 * `NodeTimerTarget` on the engine's operations: the forced failure names the version the
 * timer was armed under (409 once the node moved on, which the built-ins read as "nothing to
 * do"), the skip follows it.
 */
export class RunOperationsNodeTimerTarget extends NodeTimerTarget {
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
 * The default binding of a contrib module's target `token`: a `RunOperationsNodeTimerTarget`
 * on the app's `PipelineModule` (null without one). Global, and meant to be imported by a
 * small module of the contrib lib rather than by its main module, so Nest links it to the
 * main module after that module's own imports: a module of yours imported into it that
 * exports another binding of `token` takes precedence.
 */
export function runOperationsTargetBinding(
  token: abstract new (...args: never[]) => NodeTimerTarget,
): DynamicModule {
  class RunOperationsTargetBinding {}
  return {
    module: RunOperationsTargetBinding,
    global: true,
    providers: [
      {
        provide: token,
        useFactory: (operations?: RunOperationsService): NodeTimerTarget | null =>
          operations ? new RunOperationsNodeTimerTarget(operations) : null,
        inject: [{ token: RunOperationsService, optional: true }],
      },
    ],
    exports: [token],
  };
}

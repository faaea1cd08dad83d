import { RunOperationsService } from '@app/pipeline';
import { Global, Module } from '@nestjs/common';
import { NodeTimeoutTarget } from '../strategies/node-timeout-target.port';

/**
 * The built-in strategies' `NodeTimeoutTarget`, bound to the engine's operations: the forced
 * failure names the version the timeout was armed under (409 once the node moved on, which
 * the strategies read as "nothing to do"), the skip follows it.
 */
export class RunOperationsTimeoutTarget extends NodeTimeoutTarget {
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
 * The default binding of `NodeTimeoutTarget`: the operations of the app's `PipelineModule` (none
 * without one). Global, and imported by `NodeTimeoutTargetModule` rather than by `NodeTimeoutModule`
 * itself, so Nest binds it to `NodeTimeoutModule` after that module's own imports: a module of
 * yours imported into `NodeTimeoutModule` that exports another `NodeTimeoutTarget` takes precedence.
 */
@Global()
@Module({
  providers: [
    {
      provide: NodeTimeoutTarget,
      useFactory: (operations?: RunOperationsService): NodeTimeoutTarget | null =>
        operations ? new RunOperationsTimeoutTarget(operations) : null,
      inject: [{ token: RunOperationsService, optional: true }],
    },
  ],
  exports: [NodeTimeoutTarget],
})
class NodeTimeoutTargetBinding {}

/** Registers the default `NodeTimeoutTarget` binding (global, found after the modules imported into `NodeTimeoutModule`). */
@Module({ imports: [NodeTimeoutTargetBinding] })
export class NodeTimeoutTargetModule {}

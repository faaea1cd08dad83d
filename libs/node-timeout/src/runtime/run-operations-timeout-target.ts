import { runOperationsTargetBinding } from '@app/pipeline';
import { Module } from '@nestjs/common';
import { NodeTimeoutTarget } from '../strategies/node-timeout-target.port';

/**
 * The class of the default `NodeTimeoutTarget`: the engine's operations, the forced failure
 * at the version the timeout was armed under.
 */
export { RunOperationsNodeTimerTarget as RunOperationsTimeoutTarget } from '@app/pipeline';

/**
 * Registers the default `NodeTimeoutTarget` binding: global, and found after the modules
 * imported into `NodeTimeoutModule`, so one of yours binding another target takes precedence.
 */
@Module({ imports: [runOperationsTargetBinding(NodeTimeoutTarget)] })
export class NodeTimeoutTargetModule {}

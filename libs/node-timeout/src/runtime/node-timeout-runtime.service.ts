import { NodeTimerRuntime } from '@app/pipeline';
import { Injectable } from '@nestjs/common';
import type { NodeTimeoutSpec } from './node-timeout.kind';

/**
 * Runs node-timeout's timers in this process (the parts its role needs), from boot to
 * shutdown; everything it needs comes from `NodeTimeoutModule`'s providers. Without
 * `PipelineModule` in the app it stays idle.
 */
@Injectable()
export class NodeTimeoutRuntime extends NodeTimerRuntime<NodeTimeoutSpec> {}

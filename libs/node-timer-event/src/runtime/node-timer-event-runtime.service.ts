import { NodeTimerRuntime } from '@app/pipeline';
import { Injectable } from '@nestjs/common';
import type { TimerEventSpec } from './node-timer-event.kind';

/**
 * Runs node-timer-event's timers in this process (the parts its role needs), from boot to
 * shutdown; everything it needs comes from `NodeTimerEventModule`'s providers. Without
 * `PipelineModule` in the app it stays idle.
 */
@Injectable()
export class NodeTimerEventRuntime extends NodeTimerRuntime<TimerEventSpec> {}

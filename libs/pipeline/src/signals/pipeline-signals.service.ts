import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { EngineEvent } from '../engine/decision';

/** What a `pipeline.event` listener receives (bamboo's `PipelineEvent.as_dict()`, camelCased). */
export interface PipelineEventPayload {
  eventType: string;
  data: Record<string, unknown>;
}

/** The name every event is emitted under; each is also emitted as `pipeline.event.<eventType>`. */
export const PIPELINE_EVENT = 'pipeline.event';

export interface PipelineSignalsOptions {
  /** `PIPELINE_EVENT_SIGNALS_ENABLED`: emit events through EventEmitter2. */
  enabled: boolean;
}

export const PIPELINE_SIGNALS_OPTIONS = Symbol('PIPELINE_SIGNALS_OPTIONS');

/**
 * Emits the engine's events (DESIGN §6) in the process where they happen, after the
 * transaction that logged them has committed, so a listener never sees a change that was
 * rolled back. Listeners are user code: one that throws (or rejects) is logged and ignored,
 * and the engine goes on.
 */
@Injectable()
export class PipelineSignals {
  private readonly logger = new Logger(PipelineSignals.name);

  constructor(
    @Optional() private readonly emitter?: EventEmitter2,
    @Optional() @Inject(PIPELINE_SIGNALS_OPTIONS) private readonly options: PipelineSignalsOptions = { enabled: false },
  ) {}

  get enabled(): boolean {
    return !!this.options?.enabled && !!this.emitter;
  }

  publish(events: readonly EngineEvent[]): void {
    if (!this.enabled || events.length === 0) return;
    for (const e of events) {
      const payload: PipelineEventPayload = { eventType: e.type, data: e.data };
      this.emit(PIPELINE_EVENT, payload);
      this.emit(`${PIPELINE_EVENT}.${e.type}`, payload);
    }
  }

  private emit(name: string, payload: PipelineEventPayload): void {
    try {
      const results = this.emitter!.emit(name, payload) as unknown;
      // With async listeners EventEmitter2 may hand back promises: keep their rejections handled.
      if (Array.isArray(results)) for (const r of results) this.guard(name, r);
      else this.guard(name, results);
    } catch (e) {
      this.logger.warn(`a '${name}' listener threw (run ${String(payload.data.root_pipeline_id)}): ${(e as Error)?.message ?? e}`);
    }
  }

  private guard(name: string, r: unknown): void {
    if (r && typeof (r as Promise<unknown>).then === 'function') {
      (r as Promise<unknown>).then(undefined, (e: unknown) => this.logger.warn(`a '${name}' listener failed: ${(e as Error)?.message ?? e}`));
    }
  }
}

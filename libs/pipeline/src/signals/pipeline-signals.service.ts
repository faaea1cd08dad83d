import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { Decision, EngineEvent } from '../engine/decision';
import type { NodeStateName } from '../engine/states';

/** What a `pipeline.event` listener receives (bamboo's `PipelineEvent.as_dict()`, camelCased). */
export interface PipelineEventPayload {
  eventType: string;
  data: Record<string, unknown>;
  /** The run the event belongs to (also `data.root_pipeline_id`). */
  runId: string;
  /**
   * The event's position in the run's log, when it was numbered as it committed (a run's
   * admission). Most events are numbered after they commit, when the log is first read
   * (issue 16: numbering at commit serialized a run's transactions), so signals carry none:
   * signals of one run may reach a process out of order (parallel branches commit from
   * different workers) and `GET /runs/:id/events` tells the order.
   */
  seq?: number;
}

/** The name every event is emitted under; each is also emitted as `pipeline.event.<eventType>`. */
export const PIPELINE_EVENT = 'pipeline.event';

export interface PipelineSignalsOptions {
  /** `PIPELINE_EVENT_SIGNALS_ENABLED`: emit events through EventEmitter2. */
  enabled: boolean;
}

export const PIPELINE_SIGNALS_OPTIONS = Symbol('PIPELINE_SIGNALS_OPTIONS');

/** One node row written by a committed decision: where it was and where it is now. */
export interface NodeStateChange {
  runId: string;
  nodeId: string;
  /** The (sub-)pipeline the node belongs to. */
  scopeId: string;
  state: NodeStateName;
  version: number;
  /** The row as it was before (null: the node was entered for the first time). */
  previous: { state: NodeStateName; version: number } | null;
  /** When the node's current life started (RUNNING nodes), else null. */
  startedAt: Date | null;
}

/** Receives the node changes of every committed decision, in the process that committed it. */
export type NodeStateListener = (changes: NodeStateChange[]) => unknown;

/** Topics that got an external task in a committed decision. */
export type ExternalTaskListener = (topics: string[]) => unknown;

/** A run got a deadline (its `timeoutSeconds`, DESIGN §8.3), committed in this process. */
export interface RunDeadlineChange {
  runId: string;
  deadlineAt: Date;
}

export type RunDeadlineListener = (change: RunDeadlineChange) => unknown;

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

  private readonly nodeListeners = new Set<NodeStateListener>();
  private readonly deadlineListeners = new Set<RunDeadlineListener>();

  /**
   * Runs given a deadline in this process, once stored (the run timeout's timers arm with it).
   * Always on, like `onNodeStateChange`. Returns an unsubscribe.
   */
  onRunDeadline(listener: RunDeadlineListener): () => void {
    this.deadlineListeners.add(listener);
    return () => this.deadlineListeners.delete(listener);
  }

  /** Tells the deadline listeners; one that fails is logged and ignored. */
  async publishRunDeadline(change: RunDeadlineChange): Promise<void> {
    for (const listener of this.deadlineListeners) {
      try {
        await listener(change);
      } catch (e) {
        this.logger.error(`run ${change.runId}: a run deadline listener failed: ${(e as Error)?.stack ?? e}`);
      }
    }
  }

  private readonly taskListeners = new Set<ExternalTaskListener>();

  /**
   * External tasks offered by decisions committed in this process (DESIGN §8.6): the topics that
   * got one. Long polls waiting on them wake with it. Returns an unsubscribe.
   */
  onExternalTasksOffered(listener: ExternalTaskListener): () => void {
    this.taskListeners.add(listener);
    return () => this.taskListeners.delete(listener);
  }

  private async publishTaskTopics(runId: string, topics: string[]): Promise<void> {
    for (const listener of this.taskListeners) {
      try {
        await listener(topics);
      } catch (e) {
        this.logger.error(`run ${runId}: an external task listener failed: ${(e as Error)?.stack ?? e}`);
      }
    }
  }

  /**
   * The engine's state-change signal for extensions (the timer modules keep their pools with
   * it): always on, whatever `PIPELINE_EVENT_SIGNALS_ENABLED` says. Returns an unsubscribe.
   */
  onNodeStateChange(listener: NodeStateListener): () => void {
    this.nodeListeners.add(listener);
    return () => this.nodeListeners.delete(listener);
  }

  /** Everything a committed decision signals: its events, and its node changes to the listeners. */
  async publishDecision(runId: string, decision: Pick<Decision, 'events' | 'nodes' | 'offers'>): Promise<void> {
    this.publish(runId, decision.events);
    if (decision.offers?.length) await this.publishTaskTopics(runId, decision.offers.map((o) => o.topic));
    if (this.nodeListeners.size === 0 || decision.nodes.length === 0) return;
    const changes: NodeStateChange[] = decision.nodes.map((w) => ({
      runId,
      nodeId: w.record.nodeId,
      scopeId: w.record.scopeId,
      state: w.record.state,
      version: w.record.version,
      previous: w.expect ? { state: w.expect.state, version: w.expect.version } : null,
      startedAt: w.record.startedAt,
    }));
    for (const listener of this.nodeListeners) {
      try {
        await listener(changes);
      } catch (e) {
        this.logger.error(`run ${runId}: a node state listener failed: ${(e as Error)?.stack ?? e}`);
      }
    }
  }

  get enabled(): boolean {
    return !!this.options?.enabled && !!this.emitter;
  }

  /** Emits committed events of `runId` (numbered `firstSeq`, `firstSeq + 1`, ... when known). */
  publish(runId: string, events: readonly EngineEvent[], firstSeq?: number): void {
    if (!this.enabled || events.length === 0) return;
    for (const [i, e] of events.entries()) {
      const payload: PipelineEventPayload = { eventType: e.type, data: e.data, runId, ...(firstSeq === undefined ? {} : { seq: firstSeq + i }) };
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

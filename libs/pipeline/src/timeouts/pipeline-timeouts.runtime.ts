import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { RunStore } from '../ports/run-store.port';
import { EngineRuntime } from '../runtime/engine-runtime.service';
import { RunOperationsService } from '../runtime/run-operations.service';
import { PipelineSignals } from '../signals/pipeline-signals.service';
import { ExecutingPool } from '../timers/executing-pool.port';
import { NodeTimerDriver, type NodeTimerParts } from '../timers/node-timer-driver';
import { TimerJobQueue } from '../timers/timer-job-queue.port';
import { ActivityTimeoutsKind, type ActivityTimeoutSpec } from './activity-timeouts.kind';
import type { PipelineTimeoutsSettings } from './pipeline-timeouts.options';
import { RunTimeoutKind, runDeadlineEngine } from './run-timeout.kind';
import { PipelineMetrics } from '../metrics/pipeline-metrics.service';

/** What `PipelineTimeoutsModule` resolved: the settings, the role's parts, the scan interval. */
export interface ResolvedPipelineTimeoutsOptions {
  settings: PipelineTimeoutsSettings;
  parts: NodeTimerParts;
  scanIntervalMs: number;
}

export const PIPELINE_TIMEOUTS_OPTIONS = Symbol('PIPELINE_TIMEOUTS_OPTIONS');

/**
 * Runs the timeouts of DESIGN §8.3 in this process, on two generic node-timer drivers sharing
 * the module's pool adapter and timer queue: the activity timeouts (armed when a node with a
 * `timeout` enters RUNNING) and the run timeouts (armed when a run gets its deadline, rebuilt
 * from `run.deadline_at`). Each role runs its parts (`pipelineTimeoutPartsFor`): upkeep
 * everywhere, scans in the scanner (embedded: here), handlers in the scanner and workers
 * (embedded: here). Stays idle without `PipelineModule`.
 */
@Injectable()
export class PipelineTimeoutsRuntime implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger(PipelineTimeoutsRuntime.name);
  private activity: NodeTimerDriver<ActivityTimeoutSpec> | null = null;
  private run: NodeTimerDriver | null = null;

  constructor(
    @Inject(PIPELINE_TIMEOUTS_OPTIONS) private readonly options: ResolvedPipelineTimeoutsOptions,
    private readonly pool: ExecutingPool,
    private readonly queue: TimerJobQueue,
    @Optional() private readonly signals?: PipelineSignals,
    @Optional() private readonly store?: RunStore,
    @Optional() private readonly runtime?: EngineRuntime,
    @Optional() private readonly operations?: RunOperationsService,
    @Optional() private readonly scheduler?: SchedulerRegistry,
    @Optional() private readonly metrics?: PipelineMetrics,
  ) {}

  /** The drivers, once started (tests and diagnostics). */
  get drivers(): { activity: NodeTimerDriver<ActivityTimeoutSpec> | null; run: NodeTimerDriver | null } {
    return { activity: this.activity, run: this.run };
  }

  onApplicationBootstrap(): void {
    const { signals, store, runtime, operations } = this;
    if (!signals || !store || !runtime || !operations) {
      this.logger.warn('PipelineModule is not in this app: activity and run timeouts are not armed');
      return;
    }
    const { settings, parts, scanIntervalMs } = this.options;
    this.activity = new NodeTimerDriver(
      new ActivityTimeoutsKind(operations),
      this.pool,
      this.queue,
      { signals, store, trees: runtime },
      {
        pool: settings.activityPool,
        dispatchQueue: settings.activityDispatchQueue,
        handleQueue: settings.activityHandleQueue,
        scanIntervalMs,
        parts,
        timeouts: this.scheduler,
        onFiring: (ms) => this.metrics?.timerFired('activity-timeouts', ms),
      },
    );
    this.run = new NodeTimerDriver(new RunTimeoutKind(operations), this.pool, this.queue, runDeadlineEngine(signals, store), {
      pool: settings.runPool,
      dispatchQueue: settings.runDispatchQueue,
      handleQueue: settings.runHandleQueue,
      scanIntervalMs,
      parts,
      timeouts: this.scheduler,
      onFiring: (ms) => this.metrics?.timerFired('run-timeout', ms),
    });
    this.activity.start();
    this.run.start();
  }

  /** Before the database closes: stop scanning, let running handlers finish. */
  async onModuleDestroy(): Promise<void> {
    await Promise.all([this.activity?.stop(), this.run?.stop()]);
    await this.queue.close();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.close();
  }
}

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
import { PipelineMetrics } from '../metrics/pipeline-metrics.service';
import { RunStore } from '../ports/run-store.port';
import { EngineRuntime } from '../runtime/engine-runtime.service';
import { PipelineSignals } from '../signals/pipeline-signals.service';
import { ExecutingPool, type PoolEntry } from './executing-pool.port';
import { NodeTimerDriver, type NodeTimerDriverOptions } from './node-timer-driver';
import type { NodeTimerKind, NodeTimerSpec } from './node-timer-kind';
import { TimerJobQueue } from './timer-job-queue.port';

/** Injection token, inside one node-timer module, of the `NodeTimerKind` its runtime drives. */
export const NODE_TIMER_KIND = Symbol('NODE_TIMER_KIND');

/** Injection token, inside one node-timer module, of its runtime's `NodeTimerDriverOptions`. */
export const NODE_TIMER_DRIVER_OPTIONS = Symbol('NODE_TIMER_DRIVER_OPTIONS');

/**
 * Runs one node-timer module's timers in this process (the parts its role needs) on the
 * generic `NodeTimerDriver`, from boot to shutdown: the kind, driver options, pool and queue
 * come from the module's own providers (`nodeTimerModuleParts`), so a contrib module declares
 * an empty injectable subclass, which apps and tests look up by class. Without
 * `PipelineModule` in the app (a unit test of a registry, say) it stays idle.
 */
@Injectable()
export abstract class NodeTimerRuntime<S extends NodeTimerSpec = NodeTimerSpec>
  implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown
{
  private readonly logger = new Logger(this.constructor.name);
  private driver: NodeTimerDriver<S> | null = null;

  constructor(
    @Inject(NODE_TIMER_KIND) private readonly kind: NodeTimerKind<S>,
    @Inject(NODE_TIMER_DRIVER_OPTIONS) private readonly options: NodeTimerDriverOptions,
    private readonly pool: ExecutingPool,
    private readonly queue: TimerJobQueue,
    @Optional() private readonly signals?: PipelineSignals,
    @Optional() private readonly store?: RunStore,
    @Optional() private readonly runtime?: EngineRuntime,
    @Optional() private readonly scheduler?: SchedulerRegistry,
    @Optional() private readonly metrics?: PipelineMetrics,
  ) {}

  /** The driver, once started (tests and health). */
  get timers(): NodeTimerDriver<S> | null {
    return this.driver;
  }

  /** Every armed timer of the pool, earliest first (tests and diagnostics; O(n)). */
  armedEntries(): Promise<PoolEntry[]> {
    return this.pool.entries(this.options.pool);
  }

  onApplicationBootstrap(): void {
    if (!this.signals || !this.store || !this.runtime) {
      this.logger.warn(`PipelineModule is not in this app: ${this.kind.name} timers are not armed`);
      return;
    }
    this.driver = new NodeTimerDriver(
      this.kind,
      this.pool,
      this.queue,
      { signals: this.signals, store: this.store, trees: this.runtime },
      // The scan loop's sleeps are named timeouts of @nestjs/schedule (PipelineModule imports it).
      { ...this.options, timeouts: this.scheduler, onFiring: (ms) => this.metrics?.timerFired(this.kind.name, ms) },
    );
    this.driver.start();
  }

  /** Before the database closes: stop scanning, let running handlers finish. */
  async onModuleDestroy(): Promise<void> {
    await this.driver?.stop();
    await this.queue.close();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.close();
  }
}

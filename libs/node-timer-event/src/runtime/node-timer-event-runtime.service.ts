import {
  EngineRuntime,
  ExecutingPool,
  NodeTimerDriver,
  PipelineSignals,
  RunStore,
  TimerJobQueue,
  type PoolEntry,
} from '@app/pipeline';
import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
} from '@nestjs/common';
import {
  NODE_TIMER_EVENT_OPTIONS,
  type ResolvedNodeTimerEventOptions,
} from '../node-timer-event.options';
import {
  NODE_TIMER_EVENT_SETTINGS,
  type NodeTimerEventSettings,
} from '../node-timer-event.settings';
import { NodeTimerEventKind, type TimerEventSpec } from './node-timer-event.kind';

/**
 * Runs node-timer-event's timers in this process (the parts its role needs) on the generic
 * `NodeTimerDriver`, from boot to shutdown. Without `PipelineModule` in the app (a unit test
 * of the registry, say) it stays idle.
 */
@Injectable()
export class NodeTimerEventRuntime
  implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown
{
  private readonly logger = new Logger(NodeTimerEventRuntime.name);
  private driver: NodeTimerDriver<TimerEventSpec> | null = null;

  constructor(
    @Inject(NODE_TIMER_EVENT_SETTINGS) private readonly settings: NodeTimerEventSettings,
    @Inject(NODE_TIMER_EVENT_OPTIONS) private readonly options: ResolvedNodeTimerEventOptions,
    private readonly pool: ExecutingPool,
    private readonly queue: TimerJobQueue,
    private readonly kind: NodeTimerEventKind,
    @Optional() private readonly signals?: PipelineSignals,
    @Optional() private readonly store?: RunStore,
    @Optional() private readonly runtime?: EngineRuntime,
  ) {}

  /** The driver, once started (tests and health). */
  get timers(): NodeTimerDriver<TimerEventSpec> | null {
    return this.driver;
  }

  /** Every armed timer of the pool, earliest first (tests and diagnostics; O(n)). */
  armedEntries(): Promise<PoolEntry[]> {
    return this.pool.entries(this.settings.PIPELINE_NODE_TIMER_EVENT_EXECUTING_POOL);
  }

  onApplicationBootstrap(): void {
    if (!this.signals || !this.store || !this.runtime) {
      this.logger.warn('PipelineModule is not in this app: node timer events are not armed');
      return;
    }
    const s = this.settings;
    this.driver = new NodeTimerDriver(
      this.kind,
      this.pool,
      this.queue,
      { signals: this.signals, store: this.store, trees: this.runtime },
      {
        pool: s.PIPELINE_NODE_TIMER_EVENT_EXECUTING_POOL,
        dispatchQueue: s.PIPELINE_NODE_TIMER_EVENT_DISPATCH_QUEUE,
        handleQueue: s.PIPELINE_NODE_TIMER_EVENT_HANDLE_QUEUE,
        scanIntervalMs: s.PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL * 1000,
        firedRecordTtlMs: s.PIPELINE_NODE_TIMER_EVENT_MAX_EXPIRE_TIME * 1000,
        parts: this.options.parts,
      },
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

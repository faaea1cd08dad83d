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
import { NODE_TIMEOUT_OPTIONS, type ResolvedNodeTimeoutOptions } from '../node-timeout.options';
import { NODE_TIMEOUT_SETTINGS, type NodeTimeoutSettings } from '../node-timeout.settings';
import { NodeTimeoutKind, type NodeTimeoutSpec } from './node-timeout.kind';

/**
 * Runs node-timeout's timers in this process (the parts its role needs) on the generic
 * `NodeTimerDriver`, from boot to shutdown. Without `PipelineModule` in the app (a unit test
 * of the registry, say) it stays idle.
 */
@Injectable()
export class NodeTimeoutRuntime
  implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown
{
  private readonly logger = new Logger(NodeTimeoutRuntime.name);
  private driver: NodeTimerDriver<NodeTimeoutSpec> | null = null;

  constructor(
    @Inject(NODE_TIMEOUT_SETTINGS) private readonly settings: NodeTimeoutSettings,
    @Inject(NODE_TIMEOUT_OPTIONS) private readonly options: ResolvedNodeTimeoutOptions,
    private readonly pool: ExecutingPool,
    private readonly queue: TimerJobQueue,
    private readonly kind: NodeTimeoutKind,
    @Optional() private readonly signals?: PipelineSignals,
    @Optional() private readonly store?: RunStore,
    @Optional() private readonly runtime?: EngineRuntime,
  ) {}

  /** The driver, once started (tests and health). */
  get timers(): NodeTimerDriver<NodeTimeoutSpec> | null {
    return this.driver;
  }

  /** Every armed timer of the pool, earliest first (tests and diagnostics; O(n)). */
  armedEntries(): Promise<PoolEntry[]> {
    return this.pool.entries(this.settings.PIPELINE_NODE_TIMEOUT_EXECUTING_POOL);
  }

  onApplicationBootstrap(): void {
    if (!this.signals || !this.store || !this.runtime) {
      this.logger.warn('PipelineModule is not in this app: node timeouts are not armed');
      return;
    }
    const s = this.settings;
    this.driver = new NodeTimerDriver(
      this.kind,
      this.pool,
      this.queue,
      { signals: this.signals, store: this.store, trees: this.runtime },
      {
        pool: s.PIPELINE_NODE_TIMEOUT_EXECUTING_POOL,
        dispatchQueue: s.PIPELINE_NODE_TIMEOUT_DISPATCH_QUEUE,
        handleQueue: s.PIPELINE_NODE_TIMEOUT_HANDLE_QUEUE,
        scanIntervalMs: this.options.scanIntervalMs,
        firedRecordTtlMs: this.options.firedRecordTtlMs,
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

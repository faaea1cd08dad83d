import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap, Optional } from '@nestjs/common';
import { PipelineMetrics } from '../metrics/pipeline-metrics.service';
import { JobQueue } from '../ports/job-queue.port';
import { parseEngineJob } from '../queue/engine-job';
import { EngineRuntime } from './engine-runtime.service';
import { Reconciler } from './reconciler.service';

export interface EngineWorkerOptions {
  /**
   * Dispatch all unfinished work at boot. Only right when this is the sole process (embedded
   * mode: the in-memory queue died with the previous process); in distributed mode the
   * scanner's reconciler does it with a grace period, so live work of other workers is left alone.
   */
  reconcileAtBoot: boolean;
}

export const ENGINE_WORKER_OPTIONS = Symbol('ENGINE_WORKER_OPTIONS');

/**
 * The processor of the engine queue in this process (the embedded app, or an engine-worker):
 * it validates each payload and hands it to the runtime, nothing more.
 */
@Injectable()
export class EngineWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EngineWorker.name);

  constructor(
    private readonly queue: JobQueue,
    private readonly runtime: EngineRuntime,
    private readonly reconciler: Reconciler,
    @Inject(ENGINE_WORKER_OPTIONS) private readonly options: EngineWorkerOptions,
    @Optional() private readonly metrics?: PipelineMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.reconcileAtBoot) await this.reconciler.reconcileOnce(0);
    this.queue.consume((data, meta) => {
      const job = parseEngineJob(data);
      // Queue wait of first deliveries only: a retry's wait includes its backoff.
      if (meta?.dueAt !== undefined && !meta.attempt) this.metrics?.jobTaken(job.kind, Date.now() - meta.dueAt);
      return this.runtime.handle(job);
    });
    this.logger.log('consuming the engine queue');
  }

  /**
   * Before any shutdown hook: in-flight jobs finish (or are handed back) while the database and
   * Redis connections, closed by later hooks (TypeORM, @nestjs/bullmq's queues and workers), still work.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}

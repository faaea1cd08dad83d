import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { JobQueue } from '../ports/job-queue.port';
import { parseEngineJob } from '../queue/engine-job';
import { Reconciler } from './reconciler.service';
import { EngineRuntime } from './engine-runtime.service';

/**
 * Consumes the engine queue in this process (embedded mode: the api app is also the worker).
 * It only validates the payload and hands it to the runtime.
 */
@Injectable()
export class EmbeddedWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EmbeddedWorker.name);

  constructor(
    private readonly queue: JobQueue,
    private readonly runtime: EngineRuntime,
    private readonly reconciler: Reconciler,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // The in-memory queue died with the previous process: dispatch all unfinished work again.
    await this.reconciler.reconcileOnce(0);
    this.queue.consume((data) => this.runtime.handle(parseEngineJob(data)));
    this.logger.log('embedded worker consuming the engine queue');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}

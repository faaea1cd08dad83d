import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';

/**
 * A pool of worker threads for CPU-bound component work (DESIGN §8.2: orderlines' `process`
 * runner, whatever the format). The engine's event loop keeps serving HTTP, jobs and timers
 * while a hash, a parse or a render burns a core elsewhere. Built on piscina (a maintained pool:
 * queueing, thread reuse, crash replacement). Threads start on first use, so an app that never
 * runs such a component pays nothing.
 */
@Injectable()
export class CpuTaskPool implements OnModuleDestroy {
  private readonly logger = new Logger(CpuTaskPool.name);
  private pool?: Piscina;

  /** Threads at most: one core is left to the event loop. */
  readonly maxThreads = Math.max(1, availableParallelism() - 1);

  /**
   * Run the default export of module `filename` (an absolute path; `(input) => result`, may be
   * async) on a pool thread with `input` (structured-cloned), and answer its result. A throw in
   * the worker rejects here with the worker's error.
   */
  run<T>(filename: string, input: unknown): Promise<T> {
    return this.ensurePool().run(input, { filename }) as Promise<T>;
  }

  private ensurePool(): Piscina {
    if (!this.pool) {
      this.pool = new Piscina({
        maxThreads: this.maxThreads,
        minThreads: 0,
        idleTimeout: 30_000,
        // From TypeScript sources (tests, `nest start --watch`), workers need the same loader.
        execArgv: __filename.endsWith('.ts') ? ['-r', '@swc-node/register'] : [],
      });
      this.logger.log(`CPU pool started (up to ${this.maxThreads} worker threads)`);
    }
    return this.pool;
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool?.destroy();
    this.pool = undefined;
  }
}

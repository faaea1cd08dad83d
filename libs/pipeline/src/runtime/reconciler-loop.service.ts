import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Reconciler } from './reconciler.service';

export interface ReconcilerLoopOptions {
  /** Time between passes. */
  intervalMs: number;
  /** Work unchanged for less than this is left alone (it is probably in flight). */
  graceMs: number;
}

export const RECONCILER_LOOP_OPTIONS = Symbol('RECONCILER_LOOP_OPTIONS');

/** Name of the reconciler's interval in `@nestjs/schedule`'s `SchedulerRegistry`. */
export const RECONCILER_INTERVAL = 'pipeline-reconciler';

/**
 * Runs the reconciler every `intervalMs` (in the timer-scanner app), as a dynamic interval of
 * `@nestjs/schedule` (its `SchedulerRegistry` lists it and clears it at shutdown).
 */
@Injectable()
export class ReconcilerLoop implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReconcilerLoop.name);
  private running: Promise<void> | null = null;
  /** Passes made so far (health and tests). */
  passes = 0;

  constructor(
    private readonly reconciler: Reconciler,
    private readonly scheduler: SchedulerRegistry,
    @Inject(RECONCILER_LOOP_OPTIONS) private readonly options: ReconcilerLoopOptions,
  ) {}

  onApplicationBootstrap(): void {
    const timer = setInterval(() => void this.tick(), this.options.intervalMs);
    timer.unref();
    this.scheduler.addInterval(RECONCILER_INTERVAL, timer);
    this.logger.log(`reconciling every ${this.options.intervalMs} ms (grace ${this.options.graceMs} ms)`);
  }

  /** One pass, never two at once; a failing pass (database down) is logged and retried next tick. */
  tick(): Promise<void> {
    this.running ??= this.reconciler
      .reconcileOnce(this.options.graceMs)
      .then(() => void this.passes++)
      .catch((e) => this.logger.error(`reconcile pass failed: ${(e as Error).message}`))
      .finally(() => (this.running = null));
    return this.running;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.scheduler.doesExist('interval', RECONCILER_INTERVAL))
      this.scheduler.deleteInterval(RECONCILER_INTERVAL);
    await this.running;
  }
}

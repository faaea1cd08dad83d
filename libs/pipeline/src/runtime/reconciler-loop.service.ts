import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Reconciler } from './reconciler.service';

export interface ReconcilerLoopOptions {
  /** Time between passes. */
  intervalMs: number;
  /** Work unchanged for less than this is left alone (it is probably in flight). */
  graceMs: number;
}

export const RECONCILER_LOOP_OPTIONS = Symbol('RECONCILER_LOOP_OPTIONS');

/** Runs the reconciler every `intervalMs` (in the timer-scanner app, or the embedded app). */
@Injectable()
export class ReconcilerLoop implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReconcilerLoop.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** Passes made so far (health and tests). */
  passes = 0;

  constructor(
    private readonly reconciler: Reconciler,
    @Inject(RECONCILER_LOOP_OPTIONS) private readonly options: ReconcilerLoopOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs);
    this.timer.unref();
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
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}

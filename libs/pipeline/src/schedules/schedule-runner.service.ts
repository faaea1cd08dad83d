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
import { ScheduleService } from './schedule.service';
import { ScheduleTrigger } from './schedule-trigger.port';

export interface ScheduleRunnerOptions {
  /** Take firings from the trigger and handle them (embedded, workers, scanners). */
  consume: boolean;
  /** Arm every schedule from the database at start, then sweep (embedded, scanners). */
  rebuild: boolean;
  /** How often the sweep looks for a lost trigger (Redis flushed) and overdue schedules (default 5 s). */
  sweepIntervalMs: number;
  /** A schedule this late is armed again by the sweep (default 10 s). */
  overdueGraceMs: number;
}

export const SCHEDULE_RUNNER_OPTIONS = Symbol('SCHEDULE_RUNNER_OPTIONS');
const SWEEP = 'pipeline-schedules-sweep';
const PAGE = 1_000;

/**
 * Runs the schedules in this process (DESIGN §8.5). Consumers hand each firing to
 * `ScheduleService.fire`. The rebuilding role (the embedded app; the timer-scanner when
 * distributed) arms every enabled schedule from the database at start (one overdue fires once,
 * at once), then every `sweepIntervalMs`: when the trigger lost its firings (the Redis marker
 * key is gone: flushed or restarted) it arms them all again, else it re-arms schedules overdue
 * by more than `overdueGraceMs` (a firing that could not be armed or kept failing).
 */
@Injectable()
export class ScheduleRunner implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger(ScheduleRunner.name);
  private sweeping: Promise<void> | null = null;
  private interval: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    @Inject(SCHEDULE_RUNNER_OPTIONS) private readonly options: ScheduleRunnerOptions,
    private readonly schedules: ScheduleService,
    private readonly trigger: ScheduleTrigger,
    @Optional() private readonly registry?: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.consume) {
      this.trigger.consume(async ({ scheduleId, dueAt }) => {
        await this.schedules.fire(scheduleId, new Date(dueAt));
      });
    }
    if (!this.options.rebuild) return;
    this.sweeping = this.rebuild('start')
      .then(() => undefined)
      .catch((e: unknown) => this.logger.error(`schedules not armed at start (the sweep tries again): ${(e as Error)?.message ?? e}`))
      .finally(() => (this.sweeping = null));
    this.interval = setInterval(() => void this.sweepOnce(), this.options.sweepIntervalMs);
    this.interval.unref?.();
    this.registry?.addInterval(SWEEP, this.interval);
  }

  /** One sweep (tests): rebuild when lost, else re-arm overdue schedules. Never two at once. */
  async sweepOnce(): Promise<void> {
    if (this.sweeping || this.stopped) return this.sweeping ?? undefined;
    this.sweeping = this.sweep()
      .catch((e: unknown) => this.logger.warn(`schedule sweep failed: ${(e as Error)?.message ?? e}`))
      .finally(() => (this.sweeping = null));
    return this.sweeping;
  }

  /** Arms every enabled schedule's next due time; answers how many. */
  async rebuild(reason: string): Promise<number> {
    // The marker first: firings lost while arming are noticed by the next sweep.
    await this.trigger.markArmed();
    const armed = await this.armAll();
    this.logger.log(`schedules armed from the database (${reason}): ${armed}`);
    return armed;
  }

  private async sweep(): Promise<void> {
    if (await this.trigger.lost()) {
      await this.rebuild('the armed firings were lost: Redis flushed or restarted?');
      return;
    }
    const armed = await this.armAll(new Date(Date.now() - this.options.overdueGraceMs));
    if (armed) this.logger.warn(`${armed} overdue schedule(s) armed again`);
  }

  private async armAll(overdueBefore?: Date): Promise<number> {
    let count = 0;
    for (let after: string | null = null; ; ) {
      const page = await this.schedules.pageArmed(after, PAGE, overdueBefore);
      if (page.length) await this.trigger.arm(page);
      count += page.length;
      if (page.length < PAGE) return count;
      after = page[page.length - 1].scheduleId;
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.interval) {
      clearInterval(this.interval);
      if (this.registry?.doesExist('interval', SWEEP)) this.registry.deleteInterval(SWEEP);
    }
    await this.sweeping;
    await this.trigger.close();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
  }
}

import { Logger } from '@nestjs/common';
import type { NamedTimeouts } from '../timers/node-timer-driver';
import { ScheduleTrigger, type ScheduleFiring, type ScheduleFiringHandler } from './schedule-trigger.port';

/** setTimeout's longest delay; longer waits wake up early and sleep again. */
const MAX_DELAY_MS = 2_147_483_647;

/**
 * Embedded mode: one timeout per schedule in this process, registered in `@nestjs/schedule`'s
 * `SchedulerRegistry` as `pipeline-schedule:<id>` when there is one. Nothing survives the
 * process: the runner arms every schedule from the database at start. A handler that throws
 * is tried again after 1 s, 2 s, 4 s... (at most 60 s apart) until it succeeds.
 */
export class InProcessScheduleTrigger extends ScheduleTrigger {
  private readonly logger = new Logger(InProcessScheduleTrigger.name);
  private readonly armed = new Map<string, { dueAt: number; timer: NodeJS.Timeout; attempt: number }>();
  private handler: ScheduleFiringHandler | null = null;
  private closed = false;

  constructor(private readonly registry?: NamedTimeouts) {
    super();
  }

  arm(firings: readonly ScheduleFiring[]): Promise<void> {
    for (const f of firings) {
      const current = this.armed.get(f.scheduleId);
      if (current?.dueAt === f.dueAt) continue;
      this.set(f, 1, f.dueAt - Date.now());
    }
    return Promise.resolve();
  }

  disarm(scheduleId: string): Promise<void> {
    this.clear(scheduleId);
    return Promise.resolve();
  }

  consume(handler: ScheduleFiringHandler): void {
    if (this.handler) throw new Error('InProcessScheduleTrigger: already consumed');
    this.handler = handler;
  }

  /** Nothing to lose: timeouts live as long as the process. */
  lost(): Promise<boolean> {
    return Promise.resolve(false);
  }

  markArmed(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.closed = true;
    for (const id of [...this.armed.keys()]) this.clear(id);
    return Promise.resolve();
  }

  /** Armed firings (tests and diagnostics). */
  get size(): number {
    return this.armed.size;
  }

  private name(scheduleId: string): string {
    return `pipeline-schedule:${scheduleId}`;
  }

  private clear(scheduleId: string): void {
    const current = this.armed.get(scheduleId);
    if (!current) return;
    clearTimeout(current.timer);
    this.armed.delete(scheduleId);
    const name = this.name(scheduleId);
    if (this.registry?.doesExist('timeout', name)) this.registry.deleteTimeout(name);
  }

  private set(f: ScheduleFiring, attempt: number, delayMs: number): void {
    if (this.closed) return;
    this.clear(f.scheduleId);
    const timer = setTimeout(() => void this.wake(f, attempt), Math.min(MAX_DELAY_MS, Math.max(0, delayMs)));
    timer.unref?.();
    this.armed.set(f.scheduleId, { dueAt: f.dueAt, timer, attempt });
    this.registry?.addTimeout(this.name(f.scheduleId), timer);
  }

  private async wake(f: ScheduleFiring, attempt: number): Promise<void> {
    if (this.closed) return;
    if (f.dueAt > Date.now()) return this.set(f, attempt, f.dueAt - Date.now());
    const current = this.armed.get(f.scheduleId);
    if (current?.dueAt === f.dueAt && current.attempt === attempt) this.clear(f.scheduleId);
    if (!this.handler) return;
    try {
      await this.handler(f);
    } catch (e) {
      const delay = Math.min(60_000, 1_000 * 2 ** (attempt - 1));
      this.logger.warn(`schedule ${f.scheduleId} due ${new Date(f.dueAt).toISOString()}: firing failed (attempt ${attempt}), again in ${delay} ms: ${(e as Error)?.message ?? e}`);
      // Unless the handler armed a newer due time meanwhile.
      if (!this.armed.has(f.scheduleId)) this.set(f, attempt + 1, delay);
    }
  }
}

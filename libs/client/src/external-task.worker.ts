import { abortableSleep } from './abortable-sleep';
import type { ExternalTaskClient } from './external-task.client';
import type { LockedExternalTask } from './external-task.types';
import { isTransientError, PipelineApiError } from './pipeline-api.error';
import { TaskFailure } from './task-failure.error';

/** What a handler gets besides the task. */
export interface ExternalTaskContext {
  /** Sets the lock to expire `seconds` from now (the worker also extends it on its own). */
  extendLock(seconds: number): Promise<void>;
  /** Aborted when the task's lock is lost (409 / 404 on extension): stop working on it. */
  signal: AbortSignal;
}

/** Does the work of a task: returns its outputs (→ complete) or throws (→ fail). */
export type ExternalTaskHandler = (
  task: LockedExternalTask,
  context: ExternalTaskContext,
) => Promise<Record<string, unknown> | void> | Record<string, unknown> | void;

/** A topic the worker subscribes to. */
export interface TopicHandler {
  lockSeconds: number;
  handler: ExternalTaskHandler;
}

/** Where the worker reports what goes wrong (default: `console`). */
export interface WorkerLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Settings of an `ExternalTaskWorker`. */
export interface ExternalTaskWorkerOptions {
  workerId: string;
  topics: Record<string, TopicHandler>;
  /** Tasks handled at the same time (default 1). */
  concurrency?: number;
  /** Tasks locked per fetch (default: `concurrency`); never more than free slots. */
  maxTasks?: number;
  /** Long-poll wait of each fetch, in seconds (default 30, the server caps it at 60). */
  waitSeconds?: number;
  /** Wait after a failed fetch or report: `initialMs` doubling up to `maxMs` (1 s, 30 s). */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Tries of a complete / fail call on network errors and 5xx (default 5). */
  reportAttempts?: number;
  logger?: WorkerLogger;
}

const consoleLogger: WorkerLogger = {
  info: (m) => console.info(`[external-task-worker] ${m}`),
  warn: (m) => console.warn(`[external-task-worker] ${m}`),
  error: (m) => console.error(`[external-task-worker] ${m}`),
};

const MAX_ERROR_LENGTH = 4_000;

/**
 * A fetch-and-lock loop for external tasks (DESIGN §8.6): long-polls for tasks of its topics,
 * runs each topic's handler (up to `concurrency` at once), completes the task with the
 * handler's outputs or fails it with the error's message (a `TaskFailure` also sets
 * `retries` / `retryDelaySeconds`). While a handler runs, the lock is extended each time half of
 * it has passed. Network errors, 5xx and 429 are retried with backoff; a 409 or 404 on a report
 * means another worker holds the task now: logged and dropped. `stop()` aborts the long poll and
 * waits for tasks in flight to be reported.
 */
export class ExternalTaskWorker {
  private readonly concurrency: number;
  private readonly maxTasks: number;
  private readonly waitSeconds: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly reportAttempts: number;
  private readonly logger: WorkerLogger;
  private readonly inFlight = new Set<Promise<void>>();
  private loop?: Promise<void>;
  private stopping = false;
  private pollAbort = new AbortController();
  private wake?: () => void;

  constructor(
    private readonly tasks: ExternalTaskClient,
    private readonly options: ExternalTaskWorkerOptions,
  ) {
    if (Object.keys(options.topics).length === 0)
      throw new Error('ExternalTaskWorker needs at least one topic');
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
    this.maxTasks = Math.max(1, Math.floor(options.maxTasks ?? this.concurrency));
    this.waitSeconds = Math.max(0, options.waitSeconds ?? 30);
    this.initialBackoffMs = options.backoff?.initialMs ?? 1_000;
    this.maxBackoffMs = options.backoff?.maxMs ?? 30_000;
    this.reportAttempts = Math.max(1, options.reportAttempts ?? 5);
    this.logger = options.logger ?? consoleLogger;
  }

  /** True between `start()` and the end of `stop()`. */
  get running(): boolean {
    return this.loop !== undefined;
  }

  /** Tasks being handled or reported right now. */
  get activeTasks(): number {
    return this.inFlight.size;
  }

  /** Starts the fetch loop (in the background). */
  start(): void {
    if (this.loop) throw new Error('ExternalTaskWorker is already running');
    this.stopping = false;
    this.pollAbort = new AbortController();
    this.loop = this.fetchLoop();
  }

  /** Stops fetching (aborting a long poll in progress) and resolves once tasks in flight are reported. */
  async stop(): Promise<void> {
    if (!this.loop) return;
    this.stopping = true;
    this.pollAbort.abort(new Error('ExternalTaskWorker stopped'));
    this.wake?.();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
    this.loop = undefined;
  }

  private async fetchLoop(): Promise<void> {
    const topics = Object.entries(this.options.topics).map(([topic, { lockSeconds }]) => ({
      topic,
      lockSeconds,
    }));
    let failures = 0;
    while (!this.stopping) {
      const free = this.concurrency - this.inFlight.size;
      if (free <= 0) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      const startedAt = Date.now();
      let locked: LockedExternalTask[];
      try {
        locked = await this.tasks.fetchAndLock(
          {
            workerId: this.options.workerId,
            topics,
            maxTasks: Math.min(this.maxTasks, free),
            waitSeconds: this.waitSeconds,
          },
          { signal: this.pollAbort.signal },
        );
        failures = 0;
      } catch (error) {
        if (this.stopping) break;
        failures++;
        const delay = this.backoff(error, failures);
        this.logger.warn(`fetch-and-lock failed (${describe(error)}); trying again in ${delay} ms`);
        if (!(await this.pause(delay))) break;
        continue;
      }
      for (const task of locked) this.track(this.handle(task));
      // A server that answers at once with nothing (no long poll) must not make this spin.
      if (locked.length === 0 && Date.now() - startedAt < 200 && !(await this.pause(1_000))) break;
    }
  }

  /** Sleeps unless stopped first; false when stopped. */
  private async pause(ms: number): Promise<boolean> {
    try {
      await abortableSleep(ms, this.pollAbort.signal);
      return true;
    } catch {
      return false;
    }
  }

  private track(work: Promise<void>): void {
    const tracked = work
      .catch((error: unknown) => this.logger.error(`unexpected worker error: ${describe(error)}`))
      .finally(() => {
        this.inFlight.delete(tracked);
        this.wake?.();
      });
    this.inFlight.add(tracked);
  }

  private backoff(error: unknown, failures: number): number {
    if (
      error instanceof PipelineApiError &&
      error.isRateLimited &&
      error.retryAfterSeconds !== undefined
    )
      return Math.max(this.initialBackoffMs, error.retryAfterSeconds * 1000);
    const base = Math.min(
      this.maxBackoffMs,
      this.initialBackoffMs * 2 ** Math.min(failures - 1, 20),
    );
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  private async handle(task: LockedExternalTask): Promise<void> {
    const workerId = this.options.workerId;
    const topic = this.options.topics[task.topic];
    if (!topic) {
      await this.report(task, 'fail', () =>
        this.tasks.fail(task.id, { workerId, error: `No handler for topic ${task.topic}` }),
      );
      return;
    }

    const lockLost = new AbortController();
    let lockSeconds = topic.lockSeconds;
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    const schedule = (ms: number) => {
      clearTimeout(timer);
      if (!finished && !lockLost.signal.aborted) timer = setTimeout(autoExtend, ms);
    };
    const extendLock = async (seconds: number): Promise<void> => {
      if (lockLost.signal.aborted) throw lockLost.signal.reason;
      try {
        await this.tasks.extendLock(task.id, { workerId, lockSeconds: seconds });
      } catch (error) {
        if (error instanceof PipelineApiError && (error.isConflict || error.isNotFound)) {
          this.logger.warn(`task ${task.id}: lock lost (${describe(error)}); abandoning it`);
          lockLost.abort(error);
        }
        throw error;
      }
      lockSeconds = seconds;
      schedule((seconds * 1000) / 2);
    };
    const autoExtend = () => {
      extendLock(lockSeconds).catch((error: unknown) => {
        if (lockLost.signal.aborted) return;
        this.logger.warn(
          `task ${task.id}: extending the lock failed (${describe(error)}); trying again`,
        );
        schedule((lockSeconds * 1000) / 4);
      });
    };
    schedule((lockSeconds * 1000) / 2);

    let outputs: Record<string, unknown> | void = undefined;
    let failure: { error: unknown } | undefined;
    try {
      outputs = await topic.handler(task, { extendLock, signal: lockLost.signal });
    } catch (error) {
      failure = { error };
    } finally {
      finished = true;
      clearTimeout(timer);
    }

    if (lockLost.signal.aborted) {
      this.logger.warn(`task ${task.id}: lock was lost while it ran; its result is dropped`);
      return;
    }
    if (!failure) {
      const body = outputs && typeof outputs === 'object' ? { workerId, outputs } : { workerId };
      await this.report(task, 'complete', () => this.tasks.complete(task.id, body));
      return;
    }
    const { error } = failure;
    const message = (error instanceof Error ? error.message : String(error)).slice(
      0,
      MAX_ERROR_LENGTH,
    );
    const retry = error instanceof TaskFailure ? error.options : {};
    await this.report(task, 'fail', () =>
      this.tasks.fail(task.id, {
        workerId,
        error: message || 'Handler failed',
        ...(retry.retries !== undefined ? { retries: retry.retries } : {}),
        ...(retry.retryDelaySeconds !== undefined
          ? { retryDelaySeconds: retry.retryDelaySeconds }
          : {}),
      }),
    );
  }

  /** Sends a complete / fail, retrying transient errors; a 409 or 404 is logged and dropped. */
  private async report(
    task: LockedExternalTask,
    what: string,
    call: () => Promise<unknown>,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await call();
        return;
      } catch (error) {
        if (error instanceof PipelineApiError && (error.isConflict || error.isNotFound)) {
          this.logger.warn(
            `task ${task.id}: ${what} answered ${error.status} (${describe(error)}); someone else holds it now, dropped`,
          );
          return;
        }
        if (!isTransientError(error) || attempt >= this.reportAttempts) {
          this.logger.error(`task ${task.id}: ${what} failed for good (${describe(error)})`);
          return;
        }
        await abortableSleep(this.backoff(error, attempt));
      }
    }
  }
}

function describe(error: unknown): string {
  if (error instanceof PipelineApiError)
    return `${error.status}${error.code ? ` ${error.code}` : ''}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

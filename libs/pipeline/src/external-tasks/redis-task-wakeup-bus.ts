import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { createRedisClient, settlesWithin } from '../queue/redis-connection';
import { TaskWakeupBus, type TaskWakeup, type TaskWakeupListener } from './task-wakeup-bus.port';

export interface RedisTaskWakeupBusOptions {
  redisUrl: string;
  /** Redis key prefix (the engine's `PIPELINE_QUEUE_PREFIX`): the channel is `<prefix>:external-tasks`. */
  prefix?: string;
  /** Shown in Redis `CLIENT LIST`. */
  clientName?: string;
}

/**
 * Distributed mode: wake-ups travel over a Redis pub/sub channel, so every api process's long
 * polls hear of a task whichever process committed it. Connections open on first use (a worker
 * only publishes; an api process also subscribes).
 */
export class RedisTaskWakeupBus extends TaskWakeupBus {
  private readonly logger = new Logger(RedisTaskWakeupBus.name);
  private readonly channel: string;
  private readonly listeners = new Set<TaskWakeupListener>();
  private publisher: Redis | null = null;
  private subscriber: Redis | null = null;
  private closed = false;
  private subscribed: Promise<void> = Promise.resolve();

  constructor(private readonly options: RedisTaskWakeupBusOptions) {
    super();
    this.channel = `${options.prefix ?? 'pipeline'}:external-tasks`;
  }

  async publish(wakeup: TaskWakeup): Promise<void> {
    if (this.closed || wakeup.topics.length === 0) return;
    this.publisher ??= createRedisClient(this.options.redisUrl, {
      connectionName: `${this.options.clientName ?? 'pipeline'}:tasks-pub`,
      maxRetriesPerRequest: 2,
      logger: this.logger,
    });
    try {
      await this.publisher.publish(this.channel, JSON.stringify(wakeup));
    } catch (e) {
      // Best effort (see TaskWakeupBus): long polls still wake at their own deadlines.
      this.logger.warn(`wake-up for topics ${wakeup.topics.join(', ')} not published: ${(e as Error)?.message ?? e}`);
    }
  }

  subscribe(listener: TaskWakeupListener): () => void {
    this.listeners.add(listener);
    if (!this.subscriber && !this.closed) {
      const sub = createRedisClient(this.options.redisUrl, {
        connectionName: `${this.options.clientName ?? 'pipeline'}:tasks-sub`,
        maxRetriesPerRequest: null,
        logger: this.logger,
      });
      sub.on('message', (channel: string, message: string) => {
        if (channel === this.channel) this.deliver(message);
      });
      // ioredis re-subscribes by itself after a reconnection.
      this.subscribed = sub.subscribe(this.channel).then(
        () => undefined,
        (e: unknown) => this.logger.warn(`cannot subscribe to ${this.channel}: ${(e as Error)?.message ?? e}`),
      );
      this.subscriber = sub;
    }
    return () => this.listeners.delete(listener);
  }

  /** Resolves once this process's subscription is in place (wake-ups published before it are not heard). */
  ready(): Promise<void> {
    return this.subscribed;
  }

  private deliver(message: string): void {
    let wakeup: TaskWakeup;
    try {
      const parsed = JSON.parse(message) as Partial<TaskWakeup>;
      if (!Array.isArray(parsed.topics)) return;
      wakeup = { topics: parsed.topics.filter((t): t is string => typeof t === 'string'), ...(typeof parsed.at === 'number' ? { at: parsed.at } : {}) };
    } catch {
      return;
    }
    for (const listener of this.listeners) listener(wakeup);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    for (const client of [this.subscriber, this.publisher]) {
      if (!client) continue;
      if (!(await settlesWithin(client.quit(), 2_000))) client.disconnect();
    }
    this.subscriber = this.publisher = null;
  }
}

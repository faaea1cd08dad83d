import { Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DataSource } from 'typeorm';
import { runRead } from '../persistence/transactions';
import { JobQueue } from '../ports/job-queue.port';

/** Seconds buckets for node executions and queue waits: 1 ms to 5 min. */
const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
/** Seconds buckets for timer lateness: 5 ms to 1 min. */
const LATENESS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60];

/**
 * The engine's Prometheus metrics (DESIGN §10), in a registry of this process (`GET /metrics` on
 * the api, and on the worker's and scanner's health ports). Counters and histograms count what
 * happens in this process; the gauges read the shared state (runs by state, external tasks by
 * state, job queue depth) when scraped, so every process answers the same for them.
 * Metric names are listed in the README.
 */
@Injectable()
export class PipelineMetrics {
  private readonly logger = new Logger(PipelineMetrics.name);
  readonly registry = new Registry();

  private readonly runsStarted = new Counter({
    name: 'pipeline_runs_started_total',
    help: 'Runs created in this process (PENDING ones included)',
    labelNames: ['state'],
    registers: [this.registry],
  });
  private readonly runsEnded = new Counter({
    name: 'pipeline_runs_ended_total',
    help: 'Runs that reached a final state (FINISHED, FAILED, REVOKED) through a decision committed in this process',
    labelNames: ['state'],
    registers: [this.registry],
  });
  private readonly nodeExecutions = new Counter({
    name: 'pipeline_node_executions_total',
    help: "Component calls (execute or schedule) run in this process, by component and outcome (ok, failed, error)",
    labelNames: ['component', 'phase', 'outcome'],
    registers: [this.registry],
  });
  private readonly nodeDuration = new Histogram({
    name: 'pipeline_node_execution_duration_seconds',
    help: 'How long component calls took, by component',
    labelNames: ['component', 'phase'],
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly queueWait = new Histogram({
    name: 'pipeline_job_queue_wait_seconds',
    help: 'From when an engine job was due to when a worker took it, by job kind',
    labelNames: ['kind'],
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly timerLateness = new Histogram({
    name: 'pipeline_timer_lateness_seconds',
    help: 'How late timers (node timeouts, timer events, activity and run timeouts) fired after their due time, by kind',
    labelNames: ['kind'],
    buckets: LATENESS_BUCKETS,
    registers: [this.registry],
  });
  private readonly tasksLocked = new Counter({
    name: 'pipeline_external_tasks_locked_total',
    help: 'External tasks locked to a worker by fetch-and-lock in this process, by topic',
    labelNames: ['topic'],
    registers: [this.registry],
  });
  private readonly webhookDeliveries = new Counter({
    name: 'pipeline_webhook_deliveries_total',
    help: 'Webhook and failure-callback delivery attempts made in this process, by outcome (delivered, failed)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  constructor(
    @Optional() @InjectDataSource() private readonly dataSource?: DataSource,
    @Optional() private readonly queue?: JobQueue,
  ) {
    collectDefaultMetrics({ register: this.registry });
    // prom-client calls `collect` with the gauge as `this`: the counts come from here.
    const countBy = (table: 'run' | 'external_task', states: string[]) => this.countBy(table, states);
    const size = () => this.queue?.size();
    new Gauge({
      name: 'pipeline_runs',
      help: 'Runs by state (PENDING, RUNNING, SUSPENDED) in the database, read when scraped',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        for (const [state, n] of await countBy('run', ['PENDING', 'RUNNING', 'SUSPENDED'])) this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'pipeline_external_tasks',
      help: 'External tasks by state (available, locked) in the database, read when scraped',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        for (const [state, n] of await countBy('external_task', ['available', 'locked'])) this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'pipeline_job_queue_depth',
      help: 'Engine jobs waiting, delayed or running in the queue, read when scraped',
      registers: [this.registry],
      async collect() {
        try {
          const n = await size();
          if (n !== undefined) this.set(n);
        } catch {
          // Redis away: leave the last value (the health check says why).
        }
      },
    });
  }

  /** Prometheus text exposition of every metric of this process. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  runStarted(state: string): void {
    this.runsStarted.inc({ state });
  }

  runEnded(state: string): void {
    this.runsEnded.inc({ state });
  }

  nodeExecuted(component: string, phase: string, outcome: 'ok' | 'failed' | 'error', seconds: number): void {
    this.nodeExecutions.inc({ component, phase, outcome });
    this.nodeDuration.observe({ component, phase }, seconds);
  }

  jobTaken(kind: string, waitedMs: number): void {
    this.queueWait.observe({ kind }, Math.max(0, waitedMs) / 1000);
  }

  timerFired(kind: string, latenessMs: number): void {
    this.timerLateness.observe({ kind }, Math.max(0, latenessMs) / 1000);
  }

  taskLocked(topic: string): void {
    this.tasksLocked.inc({ topic });
  }

  webhookDelivery(outcome: 'delivered' | 'failed'): void {
    this.webhookDeliveries.inc({ outcome });
  }

  private async countBy(table: 'run' | 'external_task', states: string[]): Promise<Map<string, number>> {
    const out = new Map(states.map((s) => [s, 0]));
    if (!this.dataSource?.isInitialized) return out;
    try {
      const rows = (await runRead(this.dataSource, (em) =>
        em.query(
          `SELECT \`state\`, COUNT(*) AS \`n\` FROM \`${table}\` WHERE \`state\` IN (${states.map(() => '?').join(', ')}) GROUP BY \`state\``,
          states,
        ),
      )) as { state: string; n: number | string }[];
      for (const r of rows) out.set(r.state, Number(r.n));
    } catch (e) {
      this.logger.warn(`metrics: cannot count ${table} rows: ${(e as Error)?.message ?? e}`);
    }
    return out;
  }
}

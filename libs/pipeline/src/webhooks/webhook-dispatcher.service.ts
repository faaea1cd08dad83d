import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { In, type DataSource } from 'typeorm';
import { ComponentRegistry } from '../components/component-registry.service';
import { ComponentData } from '../components/service';
import { PipelineMetrics } from '../metrics/pipeline-metrics.service';
import { activityOnFailure, type OnFailure } from '../model/on-failure';
import { RunEventEntity } from '../persistence/entities/run-event.entity';
import { RunEntity } from '../persistence/entities/run.entity';
import { PipelineDefinitionEntity } from '../persistence/pipeline-definition.entity';
import { isMysqlFamily, runInTransaction, runRead } from '../persistence/transactions';
import { EngineRuntime } from '../runtime/engine-runtime.service';
import { PipelineSignals } from '../signals/pipeline-signals.service';
import { EventCursorGaps } from './event-cursor';
import { PipelineFailureCallbackEntity } from './pipeline-failure-callback.entity';
import { backoffMs } from './webhook-backoff';
import { WebhookAttemptEntity } from './webhook-attempt.entity';
import { WebhookCursorEntity } from './webhook-cursor.entity';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { eventMatches, FINAL_FAILURE_EVENTS, isFinalFailure } from './webhook-matching';
import { sendWebhook, type SendResult } from './webhook-sender';
import { redactUrl } from './webhook.service';
import { WebhookEntity } from './webhook.entity';
import type { FailureCallbackBody, WebhookEventBody } from './webhook.views';
import { WEBHOOK_DISPATCHER_OPTIONS, type WebhookDispatcherOptions } from './webhooks.options';

const CURSOR = 'run_event';
/** The `target` of failure callbacks: one per failing event. */
export const FAILURE_TARGET = 'on_failure';

/**
 * The outbox (DESIGN §8.6), in the embedded app and the scanner, never in api or worker
 * processes. Each pass (every `pollIntervalMs`, and at once after a decision commits in this
 * process):
 * 1. reads `run_event` past the cursor, creates a delivery row per (matching webhook, event)
 *    and per final node failure with a failure callback (insert-ignore: idempotent), and moves
 *    the cursor (see `EventCursorGaps` for holes in the ids);
 * 2. claims due deliveries with a compare-and-set lease, at most `concurrency` in flight,
 *    never a run's later event to a target while an earlier one to it is still pending, and
 *    sends them outside any transaction; a failure is retried with exponential backoff until
 *    the delivery is `maxAgeMs` old.
 * The engine only appends events; nothing here runs in its transactions or slows it.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private readonly gaps: EventCursorGaps;
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private unsubscribe: (() => void) | null = null;

  constructor(
    @Inject(WEBHOOK_DISPATCHER_OPTIONS) private readonly options: WebhookDispatcherOptions,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly runtime: EngineRuntime,
    private readonly components: ComponentRegistry,
    private readonly signals: PipelineSignals,
    @Optional() private readonly metrics?: PipelineMetrics,
  ) {
    this.gaps = new EventCursorGaps(options.gapGraceMs);
  }

  onApplicationBootstrap(): void {
    if (!this.options.enabled) return;
    // Committed decisions in this process (embedded app) wake the dispatcher at once.
    this.unsubscribe = this.signals.onNodeStateChange(() => this.wake());
    this.schedule(0);
  }

  /** Asks for a pass soon (coalesced). */
  wake(): void {
    if (this.stopped || !this.options.enabled) return;
    if (this.pass) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  /** One pass: scan the log, then send what is due (tests call it directly). */
  async runOnce(): Promise<void> {
    if (this.pass) {
      this.again = true;
      return this.pass;
    }
    this.pass = (async () => {
      try {
        let full = true;
        for (let i = 0; full && i < 10 && !this.stopped; i++) full = await this.scan();
        await this.sendDue();
      } catch (e) {
        this.logger.warn(`webhook pass failed (retried next pass): ${(e as Error)?.message ?? e}`);
      }
    })().finally(() => (this.pass = null));
    return this.pass;
  }

  /** Waits until nothing is in flight (tests, shutdown). */
  async drain(): Promise<void> {
    await this.pass;
    await Promise.allSettled([...this.inFlight]);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runOnce().finally(() => {
        const now = this.again;
        this.again = false;
        // Woken meanwhile: again soon, but leave the database (on SQLite, the engine's one
        // connection) a breath between passes.
        this.schedule(now ? Math.min(50, this.options.pollIntervalMs) : this.options.pollIntervalMs);
      });
    }, delayMs);
    this.timer.unref?.();
  }

  // ---- 1. the log → delivery rows

  /** Reads one page past the cursor; answers whether the page was full (read on at once). */
  private async scan(): Promise<boolean> {
    const cursor = await this.cursor();
    // The ids and types first (no `data`, the heavy column): most events match nothing.
    const heads = await runRead(this.dataSource, (em) =>
      em
        .createQueryBuilder(RunEventEntity, 'e')
        .select(['e.id', 'e.runId', 'e.eventType', 'e.nodeId', 'e.createdAt'])
        .where('e.id > :cursor', { cursor })
        .orderBy('e.id', 'ASC')
        .limit(this.options.scanPageSize)
        .getMany(),
    );
    if (!heads.length) return false;
    const webhooks = await runRead(this.dataSource, (em) => em.find(WebhookEntity));
    const wanted = heads.filter((e) => FINAL_FAILURE_EVENTS.has(e.eventType) || webhooks.some((w) => e.id > w.sinceEventId && eventMatches(w.events, e.eventType)));
    const events = wanted.length
      ? await runRead(this.dataSource, (em) => em.find(RunEventEntity, { where: { id: In(wanted.map((e) => e.id)) }, order: { id: 'ASC' } }))
      : [];
    const runIds = [...new Set(events.map((e) => e.runId))];
    const runs = runIds.length
      ? await runRead(this.dataSource, (em) => em.find(RunEntity, { select: { id: true, pipelineId: true, rootTreeId: true }, where: { id: In(runIds) } }))
      : [];
    const runById = new Map(runs.map((r) => [r.id, r]));
    const rows: WebhookDeliveryEntity[] = [];
    const now = new Date();
    for (const e of events) {
      const pipelineId = runById.get(e.runId)?.pipelineId ?? null;
      for (const w of webhooks) {
        if (e.id <= w.sinceEventId || (w.pipelineId && w.pipelineId !== pipelineId) || !eventMatches(w.events, e.eventType)) continue;
        const body: WebhookEventBody = {
          id: e.id,
          type: e.eventType,
          runId: e.runId,
          ...(e.nodeId ? { nodeId: e.nodeId } : {}),
          at: new Date(e.createdAt).toISOString(),
          data: e.data ?? {},
        };
        rows.push(this.delivery(e, w.id, 'webhook', w.id, pipelineId, w.url, body as unknown as Record<string, unknown>, now));
      }
      if (e.nodeId && isFinalFailure(e.eventType, e.data)) {
        const row = await this.failureDelivery(e, pipelineId, runById.get(e.runId)?.rootTreeId ?? e.runId, now);
        if (row) rows.push(row);
      }
    }
    if (rows.length) {
      await runInTransaction(this.dataSource, (em) => em.createQueryBuilder().insert().into(WebhookDeliveryEntity).values(rows as never).orIgnore().execute());
    }
    const next = this.gaps.advance(cursor, heads.map((e) => e.id), Date.now());
    if (next > cursor) {
      await runInTransaction(this.dataSource, (em) =>
        em
          .createQueryBuilder()
          .update(WebhookCursorEntity)
          .set({ lastEventId: next, updatedAt: new Date() })
          .where('name = :name AND last_event_id < :next', { name: CURSOR, next })
          .execute(),
      );
    }
    return heads.length === this.options.scanPageSize && next > cursor;
  }

  private async cursor(): Promise<number> {
    const row = await runRead(this.dataSource, (em) => em.findOneBy(WebhookCursorEntity, { name: CURSOR }));
    if (row) return row.lastEventId;
    // Created by the migration; again here if someone removed it (from the log's end).
    await runInTransaction(this.dataSource, async (em) => {
      const [max] = (await em.query('SELECT MAX(id) AS m FROM run_event')) as Array<{ m: number | string | null }>;
      await em.createQueryBuilder().insert().into(WebhookCursorEntity).values({ name: CURSOR, lastEventId: Number(max?.m ?? 0), updatedAt: new Date() }).orIgnore().execute();
    });
    return this.cursor();
  }

  private delivery(
    e: RunEventEntity,
    target: string,
    kind: WebhookDeliveryEntity['kind'],
    webhookId: string | null,
    pipelineId: string | null,
    callbackTarget: string | null,
    payload: Record<string, unknown>,
    now: Date,
  ): WebhookDeliveryEntity {
    return {
      id: randomUUID(),
      target,
      kind,
      webhookId,
      eventId: e.id,
      eventType: e.eventType,
      runId: e.runId,
      nodeId: e.nodeId,
      pipelineId,
      // Webhooks: the URL is read from the webhook at send time; failure callbacks keep theirs.
      callbackTarget: kind === 'webhook' ? null : callbackTarget,
      payload,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      claimedUntil: null,
      claimToken: null,
      lastError: null,
      createdAt: now,
      finishedAt: null,
    };
  }

  /** The failure callback of a node that failed for good: its own `onFailure`, else its definition's. */
  private async failureDelivery(e: RunEventEntity, pipelineId: string | null, rootTreeId: string, now: Date): Promise<WebhookDeliveryEntity | null> {
    // The engine's own per-run tree cache (a run's tree never changes).
    const tree = await this.runtime.compiledTree(e.runId).catch(() => null);
    let onFailure: OnFailure | undefined = activityOnFailure(tree?.nodes.get(e.nodeId!)?.raw);
    let pipelineName = tree?.tree.name ?? rootTreeId;
    if (pipelineId) {
      const [definition, settings] = await runRead(this.dataSource, (em) =>
        Promise.all([em.findOne(PipelineDefinitionEntity, { select: { id: true, name: true }, where: { id: pipelineId } }), em.findOneBy(PipelineFailureCallbackEntity, { pipelineId })]),
      );
      if (definition) pipelineName = definition.name;
      if (!onFailure?.webhook && !onFailure?.component && settings?.onFailure) onFailure = settings.onFailure;
    }
    if (!onFailure?.webhook && !onFailure?.component) return null;
    const body: FailureCallbackBody = {
      pipelineName,
      runId: e.runId,
      nodeId: e.nodeId!,
      error: e.data?.ex_data ?? null,
      status: 'FAILED',
      ...(onFailure.noticeType ? { noticeType: onFailure.noticeType } : {}),
    };
    const kind = onFailure.webhook ? 'failure_webhook' : 'failure_component';
    this.logger.log(`run ${e.runId}: node ${e.nodeId} failed for good (event ${e.id}): failure callback ${kind === 'failure_webhook' ? redactUrl(onFailure.webhook!) : onFailure.component} queued`);
    return this.delivery(e, FAILURE_TARGET, kind, null, pipelineId, onFailure.webhook ?? onFailure.component!, body as unknown as Record<string, unknown>, now);
  }

  // ---- 2. due delivery rows → attempts

  private async sendDue(): Promise<void> {
    const free = this.options.concurrency - this.inFlight.size;
    if (free <= 0 || this.stopped) return;
    const now = new Date();
    const at = this.dbDate(now);
    const due = await runRead(this.dataSource, (em) =>
      em
        .createQueryBuilder(WebhookDeliveryEntity, 'd')
        .where("d.status = 'pending' AND d.next_attempt_at <= :at AND (d.claimed_until IS NULL OR d.claimed_until < :at)", { at })
        // In event order per run and target: nothing overtakes an earlier event still pending.
        .andWhere(
          "NOT EXISTS (SELECT 1 FROM webhook_delivery p WHERE p.target = d.target AND p.run_id = d.run_id AND p.status = 'pending' AND p.event_id < d.event_id)",
        )
        .orderBy('d.nextAttemptAt', 'ASC')
        .addOrderBy('d.eventId', 'ASC')
        .limit(free)
        .getMany(),
    );
    for (const d of due) {
      if (this.stopped) return;
      const token = randomUUID();
      const leaseUntil = new Date(Date.now() + this.options.timeoutMs * 2 + 5_000);
      const claimed = await runInTransaction(this.dataSource, (em) =>
        em
          .createQueryBuilder()
          .update(WebhookDeliveryEntity)
          .set({ claimedUntil: leaseUntil, claimToken: token })
          .where("id = :id AND status = 'pending' AND (claimed_until IS NULL OR claimed_until < :at)", { id: d.id, at })
          .execute(),
      );
      if (claimed.affected !== 1) continue;
      const work: Promise<void> = this.attempt(d, token)
        .catch((e: unknown) => this.logger.warn(`run ${d.runId}: delivery ${d.id} attempt failed to record: ${(e as Error)?.message ?? e}`))
        .finally(() => {
          this.inFlight.delete(work);
          this.wake();
        });
      this.inFlight.add(work);
    }
  }

  private async attempt(d: WebhookDeliveryEntity, token: string): Promise<void> {
    const attempt = d.attempts + 1;
    let result: SendResult;
    if (d.kind === 'failure_component') {
      result = await this.callComponent(d);
    } else {
      const secret = await this.secretAndUrl(d);
      if (!secret) {
        // The webhook was deleted after this row was written: drop the row.
        await runInTransaction(this.dataSource, (em) => em.delete(WebhookDeliveryEntity, { id: d.id }));
        return;
      }
      result = await sendWebhook(secret.url, JSON.stringify(d.payload), d.id, secret.secret, this.options.timeoutMs);
    }
    this.metrics?.webhookDelivery(result.ok ? 'delivered' : 'failed');
    const now = new Date();
    const expired = now.getTime() - new Date(d.createdAt).getTime() >= this.options.maxAgeMs;
    const status = result.ok ? 'delivered' : expired ? 'failed' : 'pending';
    const next = result.ok || expired ? now : new Date(now.getTime() + backoffMs(attempt, this.options.backoff));
    const recorded = await runInTransaction(this.dataSource, async (em) => {
      const updated = await em
        .createQueryBuilder()
        .update(WebhookDeliveryEntity)
        .set({
          status,
          attempts: attempt,
          nextAttemptAt: next,
          claimedUntil: null,
          claimToken: null,
          lastError: result.error?.slice(0, 1000) ?? null,
          finishedAt: status === 'pending' ? null : now,
        })
        .where('id = :id AND claim_token = :token', { id: d.id, token })
        .execute();
      if (updated.affected !== 1) return false;
      await em.insert(WebhookAttemptEntity, {
        deliveryId: d.id,
        webhookId: d.webhookId,
        kind: d.kind,
        runId: d.runId,
        nodeId: d.nodeId,
        eventId: d.eventId,
        eventType: d.eventType,
        attempt,
        statusCode: result.statusCode,
        ok: result.ok,
        error: result.error?.slice(0, 1000) ?? null,
        durationMs: Math.max(0, Math.round(result.durationMs)),
        attemptedAt: now,
      });
      return true;
    });
    const what = `run ${d.runId}: ${d.kind} ${d.id} (event ${d.eventId} ${d.eventType}${d.nodeId ? `, node ${d.nodeId}` : ''}) attempt ${attempt}`;
    if (!recorded) this.logger.debug(`${what}: dropped (deleted or taken over meanwhile)`);
    else if (result.ok) this.logger.debug(`${what}: delivered (${result.statusCode ?? 'ok'}, ${result.durationMs} ms)`);
    else if (expired) this.logger.error(`${what}: ${result.error}; given up after ${this.options.maxAgeMs} ms`);
    else this.logger.warn(`${what}: ${result.error}; next try at ${next.toISOString()}`);
  }

  /** The URL and signing secret of a delivery; null when its webhook is gone. */
  private async secretAndUrl(d: WebhookDeliveryEntity): Promise<{ url: string; secret: string | null } | null> {
    if (d.kind === 'webhook') {
      const w = await runRead(this.dataSource, (em) => em.findOneBy(WebhookEntity, { id: d.webhookId! }));
      return w ? { url: w.url, secret: w.secret } : null;
    }
    // A failure callback: signed with its definition's webhook secret when there is one.
    const settings = d.pipelineId ? await runRead(this.dataSource, (em) => em.findOneBy(PipelineFailureCallbackEntity, { pipelineId: d.pipelineId! })) : null;
    return { url: d.callbackTarget!, secret: settings?.webhookSecret ?? null };
  }

  /** `{component: code}`: its `execute` with the failure payload as inputs, outside any run; `false` or a throw is a failure. */
  private async callComponent(d: WebhookDeliveryEntity): Promise<SendResult> {
    const started = Date.now();
    try {
      const component = this.components.get(d.callbackTarget!);
      const data = new ComponentData({ ...d.payload });
      const ok = await component.execute(data, {
        runId: d.runId,
        nodeId: d.nodeId ?? '',
        version: 0,
        pipelineId: d.pipelineId ?? '',
        loop: 1,
        retries: d.attempts,
        scheduleTimes: 0,
        context: {},
      });
      if (ok === false) return { ok: false, statusCode: null, error: String(data.outputs.ex_data ?? 'the component returned false'), durationMs: Date.now() - started };
      return { ok: true, statusCode: null, error: null, durationMs: Date.now() - started };
    } catch (e) {
      return { ok: false, statusCode: null, error: `${(e as Error)?.name ?? 'Error'}: ${(e as Error)?.message ?? e}`, durationMs: Date.now() - started };
    }
  }

  /** A date as the database compares it (TypeORM's SQLite datetime text, a Date on MySQL). */
  private dbDate(d: Date): unknown {
    return isMysqlFamily(this.dataSource) ? d : d.toISOString().replace('T', ' ').replace('Z', '');
  }

  async onModuleDestroy(): Promise<void> {
    this.stop();
    await this.drain();
  }

  onApplicationShutdown(): void {
    this.stop();
  }

  private stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

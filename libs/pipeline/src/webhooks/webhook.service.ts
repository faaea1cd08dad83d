import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { PipelineDefinitionService } from '../definitions/pipeline-definition.service';
import { NotFoundError } from '../errors/not-found.error';
import { isHttpUrl, onFailureProblem, type OnFailure } from '../model/on-failure';
import { RunEventEntity } from '../persistence/entities/run-event.entity';
import { RunEntity } from '../persistence/entities/run.entity';
import { runInTransaction, runRead } from '../persistence/transactions';
import type { Page } from '../runtime/run-views';
import { InvalidWebhookError } from './invalid-webhook.error';
import { PipelineFailureCallbackEntity } from './pipeline-failure-callback.entity';
import { WebhookAttemptEntity } from './webhook-attempt.entity';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookEntity } from './webhook.entity';
import type { CreateWebhookInput, DeliveryAttemptView, WebhookView } from './webhook.views';

/** Shortest accepted webhook secret. */
export const MIN_WEBHOOK_SECRET_LENGTH = 16;
const MAX_EVENT_PATTERNS = 100;

/** A failure callback of a run, with its attempts (`GET /runs/:id/failure-callbacks`). */
export interface FailureCallbackView {
  deliveryId: string;
  kind: string;
  /** The URL called, or the component code. */
  target: string | null;
  nodeId: string | null;
  eventId: number;
  eventType: string;
  status: string;
  attempts: DeliveryAttemptView[];
}

/** A definition's failure settings as shown (never the secret). */
export interface DefinitionFailureSettingsView {
  onFailure: OnFailure | null;
  webhookSecretSet: boolean;
}

/**
 * Webhook subscriptions and the delivery log (DESIGN §8.6), and a definition's failure
 * settings. Sending is `WebhookDispatcher`'s job; this service only reads and writes rows.
 * Secrets are stored, used to sign, and never returned nor logged.
 */
@Injectable()
export class WebhookService {
  private readonly logger = new Logger(WebhookService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly definitions: PipelineDefinitionService,
  ) {}

  /** 201: a subscription to the events logged from now on; 400 INVALID_WEBHOOK, 404 unknown pipeline. */
  async create(input: CreateWebhookInput): Promise<WebhookView> {
    const url = checkUrl(input.url, 'url');
    const events = checkEvents(input.events);
    checkSecret(input.secret, 'secret');
    const pipelineId = input.pipelineId ? (await this.definitions.get(input.pipelineId)).id : null;
    const row = await runInTransaction(this.dataSource, async (em) => {
      const since = await maxEventId(em);
      const entity: WebhookEntity = { id: randomUUID(), url, events, pipelineId, secret: input.secret, sinceEventId: since, createdAt: new Date() };
      await em.insert(WebhookEntity, entity);
      return entity;
    });
    this.logger.log(`webhook ${row.id}: created for ${redactUrl(url)} (events ${events.join(',')}${pipelineId ? `, pipeline ${pipelineId}` : ''}) after event ${row.sinceEventId}`);
    return toView(row);
  }

  /** Newest first. */
  async list(page = 1, pageSize = 20): Promise<Page<WebhookView>> {
    const [rows, total] = await runRead(this.dataSource, (em) =>
      em.findAndCount(WebhookEntity, { order: { createdAt: 'DESC', id: 'ASC' }, skip: (page - 1) * pageSize, take: pageSize }),
    );
    return { items: rows.map(toView), total, page, pageSize };
  }

  /** 404 unknown webhook. */
  async get(id: string): Promise<WebhookView> {
    return toView(await this.load(id));
  }

  /** 404 unknown webhook. Its pending deliveries go with it (retries stop), and its log. */
  async delete(id: string): Promise<void> {
    await runInTransaction(this.dataSource, async (em) => {
      const found = await em.findOneBy(WebhookEntity, { id });
      if (!found) throw new NotFoundError('webhook', id);
      await em.delete(WebhookDeliveryEntity, { webhookId: id });
      await em.delete(WebhookAttemptEntity, { webhookId: id });
      await em.delete(WebhookEntity, { id });
    });
    this.logger.log(`webhook ${id}: deleted`);
  }

  /** The attempts of a webhook's deliveries, oldest first; 404 unknown webhook. */
  async deliveries(id: string, page = 1, pageSize = 20): Promise<Page<DeliveryAttemptView>> {
    await this.load(id);
    const [rows, total] = await runRead(this.dataSource, (em) =>
      em.findAndCount(WebhookAttemptEntity, { where: { webhookId: id }, order: { id: 'ASC' }, skip: (page - 1) * pageSize, take: pageSize }),
    );
    return { items: rows.map(attemptView), total, page, pageSize };
  }

  /** The failure callbacks of a run, with every attempt; 404 unknown run. */
  async failureCallbacks(runId: string): Promise<FailureCallbackView[]> {
    return runRead(this.dataSource, async (em) => {
      if (!(await em.exists(RunEntity, { where: { id: runId } }))) throw new NotFoundError('run', runId);
      const deliveries = await em.find(WebhookDeliveryEntity, {
        where: { runId, kind: In(['failure_webhook', 'failure_component']) },
        order: { eventId: 'ASC' },
      });
      if (!deliveries.length) return [];
      const attempts = await em.find(WebhookAttemptEntity, { where: { deliveryId: In(deliveries.map((d) => d.id)) }, order: { id: 'ASC' } });
      return deliveries.map((d) => ({
        deliveryId: d.id,
        kind: d.kind,
        target: d.callbackTarget,
        nodeId: d.nodeId,
        eventId: d.eventId,
        eventType: d.eventType,
        status: d.status,
        attempts: attempts.filter((a) => a.deliveryId === d.id).map(attemptView),
      }));
    });
  }

  /**
   * Sets a definition's failure settings (`onFailure` in the POST/PUT/PATCH body, and the
   * `webhookSecret` signing its failure callbacks). `undefined` keeps a value, `null` clears it.
   * Check the values first with `checkDefinitionFailureSettings`.
   */
  async setDefinitionFailureSettings(pipelineId: string, input: { onFailure?: OnFailure | null; webhookSecret?: string | null }): Promise<void> {
    if (input.onFailure === undefined && input.webhookSecret === undefined) return;
    checkDefinitionFailureSettings(input);
    await runInTransaction(this.dataSource, async (em) => {
      const current = await em.findOneBy(PipelineFailureCallbackEntity, { pipelineId });
      const row: PipelineFailureCallbackEntity = {
        pipelineId,
        onFailure: input.onFailure === undefined ? (current?.onFailure ?? null) : input.onFailure,
        webhookSecret: input.webhookSecret === undefined ? (current?.webhookSecret ?? null) : input.webhookSecret,
        updatedAt: new Date(),
      };
      await em.save(PipelineFailureCallbackEntity, row);
    });
    this.logger.log(`pipeline ${pipelineId}: failure settings updated`);
  }

  /** A definition's failure settings, without the secret. */
  async definitionFailureSettings(pipelineId: string): Promise<DefinitionFailureSettingsView> {
    const row = await runRead(this.dataSource, (em) => em.findOneBy(PipelineFailureCallbackEntity, { pipelineId }));
    return { onFailure: row?.onFailure ?? null, webhookSecretSet: !!row?.webhookSecret };
  }

  private async load(id: string): Promise<WebhookEntity> {
    const row = await runRead(this.dataSource, (em) => em.findOneBy(WebhookEntity, { id }));
    if (!row) throw new NotFoundError('webhook', id);
    return row;
  }
}

/** 400 INVALID_WEBHOOK unless both values are acceptable (`undefined`/`null` are). */
export function checkDefinitionFailureSettings(input: { onFailure?: unknown; webhookSecret?: unknown }): void {
  if (input.onFailure !== undefined && input.onFailure !== null) {
    const problem = onFailureProblem(input.onFailure);
    if (problem) throw new InvalidWebhookError('onFailure', problem);
  }
  if (input.webhookSecret !== undefined && input.webhookSecret !== null) checkSecret(input.webhookSecret, 'webhookSecret');
}

/** The highest event id logged so far (0 for none). */
export async function maxEventId(em: EntityManager): Promise<number> {
  const row = await em.createQueryBuilder(RunEventEntity, 'e').select('MAX(e.id)', 'm').getRawOne<{ m: number | string | null }>();
  return Number(row?.m ?? 0);
}

function checkUrl(url: unknown, field: string): string {
  if (typeof url !== 'string' || !isHttpUrl(url)) throw new InvalidWebhookError(field, 'must be an http:// or https:// URL');
  return url;
}

function checkEvents(events: unknown): string[] {
  if (!Array.isArray(events) || events.length === 0) throw new InvalidWebhookError('events', 'must be a non-empty array of event types');
  if (events.length > MAX_EVENT_PATTERNS) throw new InvalidWebhookError('events', `at most ${MAX_EVENT_PATTERNS} patterns`);
  for (const e of events) {
    if (typeof e !== 'string' || e.trim() === '' || e.length > 64 || (e.includes('*') && e.indexOf('*') !== e.length - 1)) {
      throw new InvalidWebhookError('events', 'each must be "*", an event type, or "prefix*" (at most 64 characters)');
    }
  }
  return [...new Set(events as string[])];
}

function checkSecret(secret: unknown, field: string): void {
  if (typeof secret !== 'string' || secret.length < MIN_WEBHOOK_SECRET_LENGTH || secret.length > 255) {
    throw new InvalidWebhookError(field, `must be a string of ${MIN_WEBHOOK_SECRET_LENGTH} to 255 characters`);
  }
}

/** A URL fit for logs: no user info, no query (they may carry tokens). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '<invalid url>';
  }
}

function toView(row: WebhookEntity): WebhookView {
  return { id: row.id, url: row.url, events: row.events, pipelineId: row.pipelineId, createdAt: new Date(row.createdAt).toISOString() };
}

function attemptView(a: WebhookAttemptEntity): DeliveryAttemptView {
  return {
    deliveryId: a.deliveryId,
    kind: a.kind,
    eventId: a.eventId,
    eventType: a.eventType,
    runId: a.runId,
    nodeId: a.nodeId,
    attempt: a.attempt,
    statusCode: a.statusCode,
    ok: !!a.ok,
    error: a.error,
    durationMs: a.durationMs,
    at: new Date(a.attemptedAt).toISOString(),
  };
}

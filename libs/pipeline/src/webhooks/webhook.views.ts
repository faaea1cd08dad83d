/** Read models of webhooks and their delivery log, as the REST API answers them (DESIGN §8.6, §9). */

/** `POST /webhooks` body. */
export interface CreateWebhookInput {
  url: string;
  events: string[];
  /** A stored definition's id (or key): only its runs. */
  pipelineId?: string | null;
  secret: string;
}

/** A webhook; never its secret. */
export interface WebhookView {
  id: string;
  url: string;
  events: string[];
  pipelineId: string | null;
  createdAt: string;
}

/** One attempt of a delivery (a webhook's, or a failure callback's). */
export interface DeliveryAttemptView {
  /** The `X-Pipeline-Delivery` header: the same for every attempt of one event. */
  deliveryId: string;
  kind: string;
  eventId: number;
  eventType: string;
  runId: string;
  nodeId: string | null;
  attempt: number;
  /** The receiver's HTTP status; null when there was none (timeout, unreachable, component). */
  statusCode: number | null;
  ok: boolean;
  error: string | null;
  durationMs: number;
  at: string;
}

/** What a webhook receives (the request body). */
export interface WebhookEventBody {
  id: number;
  type: string;
  runId: string;
  nodeId?: string;
  at: string;
  data: Record<string, unknown>;
}

/** What a failure callback receives (its body, or a component's inputs). */
export interface FailureCallbackBody {
  pipelineName: string;
  runId: string;
  nodeId: string;
  error: unknown;
  status: 'FAILED';
  noticeType?: string;
}

/** Webhooks and failure callbacks (DESIGN §8.6). */
export * from './webhook.views';
export * from './webhook-matching';
export * from './webhook-signature';
export * from './webhook-backoff';
export * from './webhooks.options';
export * from './invalid-webhook.error';
export * from './webhook.entity';
export * from './webhook-delivery.entity';
export * from './webhook-attempt.entity';
export * from './webhook-cursor.entity';
export * from './pipeline-failure-callback.entity';
export { WebhookService, MIN_WEBHOOK_SECRET_LENGTH, checkDefinitionFailureSettings, type FailureCallbackView, type DefinitionFailureSettingsView } from './webhook.service';
export { WebhookDispatcher } from './webhook-dispatcher.service';

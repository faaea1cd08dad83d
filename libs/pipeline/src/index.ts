/** Kept for the apps' smoke output; bump when the public API changes incompatibly. */
export const PIPELINE_VERSION = 1;

export * from './pipeline.module';
export * from './errors';
export * from './model';
export * from './expressions';
export * from './engine/states';
export * from './components';
export * from './definitions';
export * from './formats';
export * from './persistence';
export { RunService } from './runtime/run.service';
export { RunOperationsService, type OperationResult, type SkipGatewayRequest, type TimeoutResult } from './runtime/run-operations.service';
export { retryDelayMs, retriesLeft } from './engine/retry-policy';
export { nodeTimeoutVerdict, nodeTimeoutSeconds, type NodeTimeoutName, type NodeTimeoutVerdict } from './engine/node-timeouts';
export * from './signals';
export type { Operation, OperationType } from './engine/operations';
export type { EngineEvent } from './engine/decision';
export { EngineRuntime } from './runtime/engine-runtime.service';
export type { CompiledTree, CompiledNode } from './engine/compiled-tree';
export type { NodeRecord, RunRecord } from './engine/run-state';
export { RunStore } from './ports/run-store.port';
export { JobQueue } from './ports/job-queue.port';
export * from './runtime/run-views';
export { QueueHealthIndicator } from './runtime/queue-health.indicator';
export { Reconciler } from './runtime/reconciler.service';
export { ReconcilerLoop } from './runtime/reconciler-loop.service';
export * from './queue/queue-settings';
export { createRedisClient, settlesWithin } from './queue/redis-connection';
export { BullMqJobQueue } from './queue/bullmq-job-queue';
export { InProcessJobQueue } from './queue/in-process-job-queue';
export * from './config/service-environment';
export * from './timers';
export * from './timeouts';
export {
  discoverDecoratedProviders,
  type DecoratedProvider,
  type AnyClass,
} from './components/discover-decorated-providers';
export * from './schedules';
export * from './external-tasks';
export { PipelineMetrics } from './metrics/pipeline-metrics.service';
export { MetricsController } from './metrics/metrics.controller';
export * from './logging/pino-nest-logger';
export * from './webhooks';

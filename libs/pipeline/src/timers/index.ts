/**
 * Node timers (DESIGN §7): the executing pool port and adapters, the timer queues, the
 * generic driver the contrib modules (node-timeout, node-timer-event) run their kinds on, and
 * the shapes those modules share: module providers and runtime, action decorator and
 * registry, built-in forced failure, config helpers and settings reading.
 */
export * from './executing-pool.port';
export * from './invalid-pool-entry.error';
export { InProcessExecutingPool } from './in-process-executing-pool';
export { RedisExecutingPool, type RedisExecutingPoolOptions } from './redis-executing-pool';
export * from './timer-job-queue.port';
export {
  InProcessTimerJobQueue,
  type InProcessTimerJobQueueOptions,
} from './in-process-timer-job-queue';
export { BullMqTimerJobQueue, type BullMqTimerJobQueueOptions } from './bullmq-timer-job-queue';
export * from './node-timer-member';
export * from './node-timer-kind';
export * from './node-timer-driver';
export * from './node-timer-runtime.service';
export * from './node-timer-providers';
export * from './timer-action.decorator';
export * from './timer-action-registry.service';
export * from './node-timer-target.port';
export * from './force-fail-node';
export * from './run-operations-node-timer-target';
export * from './node-timer-configs';
export * from './node-timer-config.service';
export * from './invalid-timer-configs.error';
export * from './timer-action-check';
export * from './timer-settings';

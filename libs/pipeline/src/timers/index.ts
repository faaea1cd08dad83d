/**
 * Node timers (DESIGN §7): the executing pool port and adapters, the timer queues, and the
 * generic driver the contrib modules (node-timeout, node-timer-event) run their kinds on.
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

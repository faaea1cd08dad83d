/** External tasks: nodes handed to workers outside the engine over REST (DESIGN §8.6). */
export * from './external-task.entity';
export * from './external-task.error';
export * from './external-task.views';
export * from './task-wakeup-bus.port';
export * from './in-process-task-wakeup-bus';
export * from './redis-task-wakeup-bus';
export {
  ExternalTaskService,
  DEFAULT_EXTERNAL_TASK_OPTIONS,
  EXTERNAL_TASK_OPTIONS,
  MAX_LOCK_SECONDS,
  MAX_DELAY_SECONDS,
  type ExternalTaskOptions,
} from './external-task.service';

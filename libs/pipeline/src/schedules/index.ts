/** Scheduled runs of stored pipelines (DESIGN §8.5). */
export * from './schedule-spec';
export * from './invalid-schedule.error';
export * from './pipeline-schedule.entity';
export * from './schedule.views';
export * from './schedule-trigger.port';
export * from './in-process-schedule-trigger';
export * from './bullmq-schedule-trigger';
export { ScheduleService } from './schedule.service';
export * from './schedule-runner.service';

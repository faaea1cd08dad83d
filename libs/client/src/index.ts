export * from './abortable-sleep';
export * from './external-task.client';
export * from './external-task.types';
export * from './external-task.worker';
export * from './pipeline-api.error';
export * from './pipeline.client';
export * from './task-failure.error';

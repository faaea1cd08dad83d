/** The timeouts of DESIGN §8.3 (activity queue/running timeouts, run timeouts) on the generic timers. */
export * from './activity-timeouts.kind';
export * from './run-timeout.kind';
export * from './pipeline-timeouts.options';
export * from './pipeline-timeouts.runtime';
export * from './pipeline-timeouts.module';

export { NodeTimerEventModule } from './node-timer-event.module';
export {
  DEFAULT_NODE_TIMER_EVENT_SETTINGS,
  NODE_TIMER_EVENT_SETTINGS,
  readNodeTimerEventSettings,
  type NodeTimerEventSettings,
} from './node-timer-event.settings';
export * from './node-timer-event.options';
export * from './timer-schedule';
export * from './invalid-timer.error';
export * from './invalid-timer-event-configs.error';
export * from './node-timer-event-configs';
export * from './timer-event.checks';
export * from './actions';
export {
  NodeTimerEventKind,
  timerEventSpec,
  type TimerEventSpec,
} from './runtime/node-timer-event.kind';
export { NodeTimerEventRuntime } from './runtime/node-timer-event-runtime.service';
export { NodeTimerEventConfigService } from './runtime/node-timer-event-config.service';
export { NodeTimerEventTreeChecks } from './runtime/node-timer-event-tree-checks';
export {
  RunOperationsTimerActionTarget,
  TimerActionTargetModule,
} from './runtime/run-operations-timer-action-target';

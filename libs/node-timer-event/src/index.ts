export { NodeTimerEventModule } from './node-timer-event.module';
export {
  DEFAULT_NODE_TIMER_EVENT_SETTINGS,
  NODE_TIMER_EVENT_SETTINGS,
  type NodeTimerEventSettings,
} from './node-timer-event.settings';
export * from './timer-schedule';
export * from './invalid-timer.error';
export * from './node-timer-event-configs';
export * from './timer-event.checks';
export * from './actions';

export { NodeTimerEventModule } from './node-timer-event.module';
export {
  DEFAULT_NODE_TIMER_EVENT_SETTINGS,
  NODE_TIMER_EVENT_SETTINGS,
  type NodeTimerEventSettings,
} from './node-timer-event.settings';

export { NodeTimeoutModule } from './node-timeout.module';
export {
  DEFAULT_NODE_TIMEOUT_SETTINGS,
  NODE_TIMEOUT_SETTINGS,
  type NodeTimeoutSettings,
} from './node-timeout.settings';

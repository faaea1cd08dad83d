export { NodeTimeoutModule } from './node-timeout.module';
export {
  DEFAULT_NODE_TIMEOUT_SETTINGS,
  NODE_TIMEOUT_SETTINGS,
  type NodeTimeoutSettings,
} from './node-timeout.settings';
export * from './node-timeout-configs';
export * from './node-timeout.checks';
export * from './strategies';

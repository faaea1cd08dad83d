export { NodeTimeoutModule } from './node-timeout.module';
export {
  DEFAULT_NODE_TIMEOUT_SETTINGS,
  NODE_TIMEOUT_SETTINGS,
  readNodeTimeoutSettings,
  type NodeTimeoutSettings,
} from './node-timeout.settings';
export * from './node-timeout.options';
export * from './node-timeout-configs';
export * from './node-timeout.checks';
export * from './invalid-timeout-configs.error';
export * from './strategies';
export {
  NodeTimeoutKind,
  nodeTimeoutSpec,
  type NodeTimeoutSpec,
} from './runtime/node-timeout.kind';
export { NodeTimeoutRuntime } from './runtime/node-timeout-runtime.service';
export { NodeTimeoutConfigService } from './runtime/node-timeout-config.service';
export { NodeTimeoutTreeChecks } from './runtime/node-timeout-tree-checks';
export {
  RunOperationsTimeoutTarget,
  NodeTimeoutTargetModule,
} from './runtime/run-operations-timeout-target';

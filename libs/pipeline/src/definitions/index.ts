export * from './pipeline-definition.service';
export * from './pipeline-definition.views';
export * from './tree-checks';
export { TreeCheckRegistry } from './tree-check-registry.service';
export * from './tree-graph';

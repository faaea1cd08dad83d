/** Kept for the apps' smoke output; bump when the public API changes incompatibly. */
export const PIPELINE_VERSION = 1;

export * from './pipeline.module';
export * from './errors';
export * from './model/tree.types';
export * from './model/validation.types';
export { validateTree } from './model/validate-tree';
export * from './engine/states';
export * from './components';
export * from './definitions';
export * from './persistence';
export { RunService } from './runtime/run.service';
export * from './runtime/run-views';

/**
 * The pipeline tree model (DESIGN §3): tree types, the DTO classes describing its JSON shape,
 * validation, and generators of big trees for tests and benchmarks.
 */
export * from './tree.types';
export * from './validation.types';
export { validateTree } from './validate-tree';
export { MAX_TREE_JSON_DEPTH } from './schema-check';
export * from './tree-schema.dto';
export * from './tree-generators';
export * from './on-failure';

export * from './definition-format';
export { compileDefinition, definitionFormats, isDefinitionFormat } from './formats';
export { OrderlinesCompilerBugError } from './orderlines';

export * from './pipeline-definition.service';
export * from './pipeline-definition.views';

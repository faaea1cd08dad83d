export * from './pipeline.error';
export * from './invalid-tree.error';
export * from './not-found.error';
export * from './conflict.error';
export * from './bad-request.error';
export * from './duplicate-business-key.error';

export * from './node-timeout-strategy';
export * from './timeout-strategy.decorator';
export * from './node-timeout-strategy-registry.service';
export * from './node-timeout-target.port';
export * from './forced-fail.strategies';
export * from './duplicate-timeout-strategy.error';
export * from './unknown-timeout-strategy.error';
export * from './invalid-timeout-strategy.error';

export * from './base-action';
export * from './timer-event-action.decorator';
export * from './action-registry.service';
export * from './timer-action-target.port';
export * from './forced-fail.actions';
export * from './duplicate-timer-action.error';
export * from './unknown-timer-action.error';
export * from './invalid-timer-action.error';

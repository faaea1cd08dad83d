import { DiscoveryService } from '@nestjs/core';
import { InvalidTimeoutStrategyError } from './invalid-timeout-strategy.error';

/** Options as stored on the class. */
export interface TimeoutStrategyMetadata {
  /** What trees put in `timeout_config.action`; unique in the app. */
  name: string;
  description?: string;
}

/** The discoverable decorator behind `@TimeoutStrategy`, found by `DiscoveryService` at boot. */
export const TIMEOUT_STRATEGY = DiscoveryService.createDecorator<TimeoutStrategyMetadata>();

/**
 * Marks a provider class (extending `NodeTimeoutStrategy`) as the timeout action `name`.
 *
 * ```ts
 * @TimeoutStrategy('notify_owner')
 * export class NotifyOwnerStrategy extends NodeTimeoutStrategy {
 *   async dealWithTimeoutNode(node: TimedOutNode) { ...; return { result: true, message: '' }; }
 * }
 * ```
 */
export function TimeoutStrategy(nameOrOptions: string | TimeoutStrategyMetadata): ClassDecorator {
  const metadata = typeof nameOrOptions === 'string' ? { name: nameOrOptions } : nameOrOptions;
  if (typeof metadata?.name !== 'string' || metadata.name.trim() === '') {
    throw new InvalidTimeoutStrategyError('@TimeoutStrategy needs a non-empty string name', {
      options: nameOrOptions,
    });
  }
  const stored: TimeoutStrategyMetadata = { ...metadata };
  return (target) => {
    TIMEOUT_STRATEGY(stored)(target);
  };
}

/** Reads the metadata back from a class; `undefined` if not decorated. */
export function getTimeoutStrategyMetadata(target: object): TimeoutStrategyMetadata | undefined {
  return Reflect.getMetadata(TIMEOUT_STRATEGY.KEY, target) as TimeoutStrategyMetadata | undefined;
}

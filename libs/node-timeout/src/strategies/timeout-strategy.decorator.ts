import {
  readTimerActionMetadata,
  timerActionDecorator,
  type TimerActionMetadata,
} from '@app/pipeline';
import { DiscoveryService } from '@nestjs/core';
import { InvalidTimeoutStrategyError } from './invalid-timeout-strategy.error';

/** Options as stored on the class; `name` is what trees put in `timeout_config.action`. */
export type TimeoutStrategyMetadata = TimerActionMetadata;

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
 * @throws InvalidTimeoutStrategyError for a missing or blank name
 */
export function TimeoutStrategy(nameOrOptions: string | TimeoutStrategyMetadata): ClassDecorator {
  return timerActionDecorator(
    TIMEOUT_STRATEGY,
    '@TimeoutStrategy',
    nameOrOptions,
    (message, context) => new InvalidTimeoutStrategyError(message, context),
  );
}

/** Reads the metadata back from a class; `undefined` if not decorated. */
export function getTimeoutStrategyMetadata(target: object): TimeoutStrategyMetadata | undefined {
  return readTimerActionMetadata(TIMEOUT_STRATEGY, target);
}

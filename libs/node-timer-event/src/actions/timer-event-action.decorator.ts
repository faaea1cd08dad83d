import {
  readTimerActionMetadata,
  timerActionDecorator,
  type TimerActionMetadata,
} from '@app/pipeline';
import { DiscoveryService } from '@nestjs/core';
import { InvalidTimerActionError } from './invalid-timer-action.error';

/** Options as stored on the class; `name` is what trees put in `events.timer_events[].action`. */
export type TimerEventActionMetadata = TimerActionMetadata;

/** The discoverable decorator behind `@TimerEventAction`, found by `DiscoveryService` at boot. */
export const TIMER_EVENT_ACTION = DiscoveryService.createDecorator<TimerEventActionMetadata>();

/**
 * Marks a provider class (extending `BaseAction`) as the timer event action `name` (bamboo's
 * `class Meta: action_name = ...`). Declare the class as a provider of any module.
 *
 * ```ts
 * @TimerEventAction('example')
 * export class ExampleAction extends BaseAction {
 *   do(data: ComponentData, parentData: ParentData): boolean { ...; return true; }
 * }
 * ```
 * @throws InvalidTimerActionError for a missing or blank name
 */
export function TimerEventAction(nameOrOptions: string | TimerEventActionMetadata): ClassDecorator {
  return timerActionDecorator(
    TIMER_EVENT_ACTION,
    '@TimerEventAction',
    nameOrOptions,
    (message, context) => new InvalidTimerActionError(message, context),
  );
}

/** Reads the metadata back from a class; `undefined` if not decorated. */
export function getTimerEventActionMetadata(target: object): TimerEventActionMetadata | undefined {
  return readTimerActionMetadata(TIMER_EVENT_ACTION, target);
}

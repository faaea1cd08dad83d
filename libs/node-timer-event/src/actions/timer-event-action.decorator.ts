import { DiscoveryService } from '@nestjs/core';
import { InvalidTimerActionError } from './invalid-timer-action.error';

/** Options as stored on the class. */
export interface TimerEventActionMetadata {
  /** What trees put in `events.timer_events[].action`; unique in the app. */
  name: string;
  description?: string;
}

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
 */
export function TimerEventAction(nameOrOptions: string | TimerEventActionMetadata): ClassDecorator {
  const metadata = typeof nameOrOptions === 'string' ? { name: nameOrOptions } : nameOrOptions;
  if (typeof metadata?.name !== 'string' || metadata.name.trim() === '') {
    throw new InvalidTimerActionError('@TimerEventAction needs a non-empty string name', {
      options: nameOrOptions,
    });
  }
  const stored: TimerEventActionMetadata = { ...metadata };
  return (target) => {
    TIMER_EVENT_ACTION(stored)(target);
  };
}

/** Reads the metadata back from a class; `undefined` if not decorated. */
export function getTimerEventActionMetadata(target: object): TimerEventActionMetadata | undefined {
  return Reflect.getMetadata(TIMER_EVENT_ACTION.KEY, target) as
    TimerEventActionMetadata | undefined;
}

import { TimerActionRegistry } from '@app/pipeline';
import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { BaseAction } from './base-action';
import { DuplicateTimerActionError } from './duplicate-timer-action.error';
import { TIMER_EVENT_ACTION, type TimerEventActionMetadata } from './timer-event-action.decorator';
import { UnknownTimerActionError } from './unknown-timer-action.error';

/**
 * Every `@TimerEventAction` provider of the app, by name (bamboo's `ActionManager`): `get`
 * throws `UnknownTimerActionError`, a name claimed twice stops the boot with
 * `DuplicateTimerActionError`.
 */
@Injectable()
export class ActionRegistry extends TimerActionRegistry<BaseAction, TimerEventActionMetadata> {
  constructor(discovery: DiscoveryService) {
    super(discovery, {
      decorator: TIMER_EVENT_ACTION,
      base: BaseAction,
      decoratorName: '@TimerEventAction',
      plural: 'timer event action(s)',
      unknown: (name) => new UnknownTimerActionError(name),
      duplicate: (name, classNames) => new DuplicateTimerActionError(name, classNames),
    });
  }
}

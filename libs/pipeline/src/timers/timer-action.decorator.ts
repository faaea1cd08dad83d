import type { DiscoverableDecorator } from '@nestjs/core';

/** What a timer action decorator stores on its class. */
export interface TimerActionMetadata {
  /** What trees name in the timer config's `action`; unique among the family's actions in the app. */
  name: string;
  description?: string;
}

/**
 * The class decorator of one family of timer actions (`@TimeoutStrategy('x')`,
 * `@TimerEventAction('x')`), storing `{name, description?}` under `decorator` for the
 * family's `TimerActionRegistry`. The name is checked here, when the class is declared, so
 * a bad one fails the boot at the class rather than at discovery.
 * @throws what `invalid` builds, for a missing or blank name
 */
export function timerActionDecorator<M extends TimerActionMetadata>(
  decorator: DiscoverableDecorator<M>,
  decoratorName: string,
  nameOrOptions: string | M,
  invalid: (message: string, context: Record<string, unknown>) => Error,
): ClassDecorator {
  const metadata = typeof nameOrOptions === 'string' ? { name: nameOrOptions } : nameOrOptions;
  if (typeof metadata?.name !== 'string' || metadata.name.trim() === '') {
    throw invalid(`${decoratorName} needs a non-empty string name`, { options: nameOrOptions });
  }
  const stored = { ...metadata } as M;
  return (target) => {
    decorator(stored)(target);
  };
}

/** The metadata `decorator` stored on a class; `undefined` if not decorated. */
export function readTimerActionMetadata<M>(
  decorator: DiscoverableDecorator<M>,
  target: object,
): M | undefined {
  return Reflect.getMetadata(decorator.KEY, target) as M | undefined;
}

import { discoverDecoratedProviders, type AnyClass } from '@app/pipeline';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { BaseAction } from './base-action';
import { DuplicateTimerActionError } from './duplicate-timer-action.error';
import { TIMER_EVENT_ACTION, type TimerEventActionMetadata } from './timer-event-action.decorator';
import { UnknownTimerActionError } from './unknown-timer-action.error';

interface Entry {
  metadata: TimerEventActionMetadata;
  instance: BaseAction;
  type: AnyClass;
}

/**
 * Every `@TimerEventAction` provider of the app, by name (bamboo's `ActionManager`). Found
 * once at boot, in whichever module they are declared; two classes with one name, a class not
 * extending `BaseAction` or a non-singleton provider fail the boot.
 */
@Injectable()
export class ActionRegistry implements OnModuleInit {
  private readonly logger = new Logger(ActionRegistry.name);
  private entries?: Map<string, Entry>;

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    this.load();
  }

  /**
   * The action trees call `name`.
   * @throws UnknownTimerActionError
   */
  get(name: string): BaseAction {
    const entry = this.load().get(name);
    if (!entry) throw new UnknownTimerActionError(name);
    return entry.instance;
  }

  has(name: string): boolean {
    return this.load().has(name);
  }

  /** Every action name, sorted (for validation messages and the catalogue). */
  names(): string[] {
    return [...this.load().keys()].sort();
  }

  // Lazy as well as in onModuleInit, so a caller's own onModuleInit may use the registry
  // whatever order Nest runs the hooks in.
  private load(): Map<string, Entry> {
    if (this.entries) return this.entries;
    const entries = new Map<string, Entry>();
    const found = discoverDecoratedProviders(
      this.discovery,
      TIMER_EVENT_ACTION,
      BaseAction,
      '@TimerEventAction',
    );
    for (const provider of found) {
      const existing = entries.get(provider.metadata.name);
      if (existing) {
        // The same class declared in two modules is the same action; keep the first instance.
        if (existing.type === provider.type) continue;
        throw new DuplicateTimerActionError(provider.metadata.name, [
          existing.type.name,
          provider.type.name,
        ]);
      }
      entries.set(provider.metadata.name, provider);
    }
    this.entries = entries;
    this.logger.log(
      `Discovered ${entries.size} timer event action(s): ${[...entries.keys()].sort().join(', ') || '(none)'}`,
    );
    return entries;
  }
}

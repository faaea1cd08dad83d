import { Logger, type OnModuleInit } from '@nestjs/common';
import type { DiscoverableDecorator, DiscoveryService } from '@nestjs/core';
import {
  discoverDecoratedProviders,
  type DecoratedProvider,
} from '../components/discover-decorated-providers';
import type { TimerActionMetadata } from './timer-action.decorator';

/** What tells one family of timer actions apart: its decorator, base class and errors. */
export interface TimerActionFamily<T extends object, M extends TimerActionMetadata> {
  decorator: DiscoverableDecorator<M>;
  /** Every action of the family extends it (checked at boot). */
  base: abstract new (...args: never[]) => T;
  /** For boot errors: `@TimeoutStrategy`. */
  decoratorName: string;
  /** For the boot log line: `timeout strategy(ies)`. */
  plural: string;
  /** Thrown by `get` for a name no provider declares. */
  unknown(name: string): Error;
  /** Thrown at boot when two different classes claim one name. */
  duplicate(name: string, classNames: [string, string]): Error;
}

/**
 * Every provider of the app carrying one family's timer action decorator, by name (bamboo's
 * `node_timeout_handler` map and `ActionManager`, made extensible). Found once at boot, in
 * whichever module they are declared; two classes with one name, a class not extending the
 * family's base or a non-singleton provider fail the boot. Each contrib module subclasses it
 * as an injectable with its `TimerActionFamily`.
 */
export abstract class TimerActionRegistry<
  T extends object,
  M extends TimerActionMetadata,
> implements OnModuleInit {
  private readonly logger = new Logger(this.constructor.name);
  private entries?: Map<string, DecoratedProvider<M, T>>;

  protected constructor(
    private readonly discovery: DiscoveryService,
    private readonly family: TimerActionFamily<T, M>,
  ) {}

  onModuleInit(): void {
    this.load();
  }

  /**
   * The action trees call `name`.
   * @throws the family's unknown-action error (code `UNKNOWN_ACTION`)
   */
  get(name: string): T {
    const entry = this.load().get(name);
    if (!entry) throw this.family.unknown(name);
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
  private load(): Map<string, DecoratedProvider<M, T>> {
    if (this.entries) return this.entries;
    const { decorator, base, decoratorName, plural } = this.family;
    const entries = new Map<string, DecoratedProvider<M, T>>();
    for (const provider of discoverDecoratedProviders(
      this.discovery,
      decorator,
      base,
      decoratorName,
    )) {
      const existing = entries.get(provider.metadata.name);
      if (existing) {
        // The same class declared in two modules is the same action; keep the first instance.
        if (existing.type === provider.type) continue;
        throw this.family.duplicate(provider.metadata.name, [
          existing.type.name,
          provider.type.name,
        ]);
      }
      entries.set(provider.metadata.name, provider);
    }
    this.entries = entries;
    this.logger.log(
      `Discovered ${entries.size} ${plural}: ${[...entries.keys()].sort().join(', ') || '(none)'}`,
    );
    return entries;
  }
}

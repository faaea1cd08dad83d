import { discoverDecoratedProviders, type AnyClass } from '@app/pipeline';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { DuplicateTimeoutStrategyError } from './duplicate-timeout-strategy.error';
import { NodeTimeoutStrategy } from './node-timeout-strategy';
import { TIMEOUT_STRATEGY, type TimeoutStrategyMetadata } from './timeout-strategy.decorator';
import { UnknownTimeoutStrategyError } from './unknown-timeout-strategy.error';

interface Entry {
  metadata: TimeoutStrategyMetadata;
  instance: NodeTimeoutStrategy;
  type: AnyClass;
}

/**
 * Every `@TimeoutStrategy` provider of the app, by name (bamboo's `node_timeout_handler`
 * map, made extensible). Found once at boot; two classes with one name, a class not
 * extending `NodeTimeoutStrategy` or a non-singleton provider fail the boot.
 */
@Injectable()
export class NodeTimeoutStrategyRegistry implements OnModuleInit {
  private readonly logger = new Logger(NodeTimeoutStrategyRegistry.name);
  private entries?: Map<string, Entry>;

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    this.load();
  }

  /**
   * The strategy trees call `name` in `timeout_config.action`.
   * @throws UnknownTimeoutStrategyError
   */
  get(name: string): NodeTimeoutStrategy {
    const entry = this.load().get(name);
    if (!entry) throw new UnknownTimeoutStrategyError(name);
    return entry.instance;
  }

  has(name: string): boolean {
    return this.load().has(name);
  }

  /** Every strategy name, sorted. */
  names(): string[] {
    return [...this.load().keys()].sort();
  }

  // Lazy as well as in onModuleInit, so a caller's own onModuleInit may use the registry.
  private load(): Map<string, Entry> {
    if (this.entries) return this.entries;
    const entries = new Map<string, Entry>();
    const found = discoverDecoratedProviders(
      this.discovery,
      TIMEOUT_STRATEGY,
      NodeTimeoutStrategy,
      '@TimeoutStrategy',
    );
    for (const provider of found) {
      const existing = entries.get(provider.metadata.name);
      if (existing) {
        if (existing.type === provider.type) continue;
        throw new DuplicateTimeoutStrategyError(provider.metadata.name, [
          existing.type.name,
          provider.type.name,
        ]);
      }
      entries.set(provider.metadata.name, provider);
    }
    this.entries = entries;
    this.logger.log(
      `Discovered ${entries.size} timeout strategy(ies): ${[...entries.keys()].sort().join(', ') || '(none)'}`,
    );
    return entries;
  }
}

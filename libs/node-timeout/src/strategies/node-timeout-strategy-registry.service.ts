import { TimerActionRegistry } from '@app/pipeline';
import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { DuplicateTimeoutStrategyError } from './duplicate-timeout-strategy.error';
import { NodeTimeoutStrategy } from './node-timeout-strategy';
import { TIMEOUT_STRATEGY, type TimeoutStrategyMetadata } from './timeout-strategy.decorator';
import { UnknownTimeoutStrategyError } from './unknown-timeout-strategy.error';

/**
 * Every `@TimeoutStrategy` provider of the app, by name (bamboo's `node_timeout_handler`
 * map, made extensible): `get` throws `UnknownTimeoutStrategyError`, a name claimed twice
 * stops the boot with `DuplicateTimeoutStrategyError`.
 */
@Injectable()
export class NodeTimeoutStrategyRegistry extends TimerActionRegistry<
  NodeTimeoutStrategy,
  TimeoutStrategyMetadata
> {
  constructor(discovery: DiscoveryService) {
    super(discovery, {
      decorator: TIMEOUT_STRATEGY,
      base: NodeTimeoutStrategy,
      decoratorName: '@TimeoutStrategy',
      plural: 'timeout strategy(ies)',
      unknown: (name) => new UnknownTimeoutStrategyError(name),
      duplicate: (name, classNames) => new DuplicateTimeoutStrategyError(name, classNames),
    });
  }
}

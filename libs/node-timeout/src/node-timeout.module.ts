import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import {
  DEFAULT_NODE_TIMEOUT_SETTINGS,
  NODE_TIMEOUT_SETTINGS,
  NodeTimeoutSettings,
} from './node-timeout.settings';
import { BUILT_IN_TIMEOUT_STRATEGIES } from './strategies/forced-fail.strategies';
import { NodeTimeoutStrategyRegistry } from './strategies/node-timeout-strategy-registry.service';

/**
 * Contrib module `node-timeout` (bamboo's `pipeline.contrib.node_timeout`, DESIGN §7).
 *
 * Provides today: its settings; the `NodeTimeoutStrategyRegistry`, which discovers every
 * `@TimeoutStrategy` provider (`NodeTimeoutStrategy` subclasses) at boot and refuses
 * duplicate names; and the built-in strategies `forced_fail` and `forced_fail_and_skip`
 * (fails, then skips so the run goes on), which act through a `NodeTimeoutTarget` the app
 * binds to its operations service. The library also exports, as plain functions, the
 * per-run configs of the `timeout_config: {enable, action, seconds}` key
 * (`applyNodeTimeoutConfigs`, `batchCreateNodeTimeoutConfig`) and the tree check
 * `nodeTimeoutChecks` (`INVALID_TIMER`, `UNKNOWN_ACTION`). The executing pool port and its
 * adapters live in `@app/pipeline` (`ExecutingPool`).
 *
 * Not yet here: arming and disarming pool entries when a configured node enters and leaves
 * RUNNING, rebuilding the pool from the database on start, the handle-queue processor, and
 * Termite's two timeout kinds (queue-wait and running, DESIGN §8).
 */
@Module({})
export class NodeTimeoutModule {
  static forRoot(settings: Partial<NodeTimeoutSettings> = {}): DynamicModule {
    return {
      module: NodeTimeoutModule,
      imports: [DiscoveryModule],
      providers: [
        {
          provide: NODE_TIMEOUT_SETTINGS,
          useValue: { ...DEFAULT_NODE_TIMEOUT_SETTINGS, ...settings },
        },
        NodeTimeoutStrategyRegistry,
        ...BUILT_IN_TIMEOUT_STRATEGIES,
      ],
      exports: [NODE_TIMEOUT_SETTINGS, NodeTimeoutStrategyRegistry],
    };
  }
}

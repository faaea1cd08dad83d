import { DynamicModule, Module } from '@nestjs/common';
import {
  DEFAULT_NODE_TIMEOUT_SETTINGS,
  NODE_TIMEOUT_SETTINGS,
  NodeTimeoutSettings,
} from './node-timeout.settings';

/**
 * Contrib module `node-timeout` (bamboo's `pipeline.contrib.node_timeout`, DESIGN §7).
 *
 * Will hold: the `timeout_config: {enable, action, seconds}` activity key and its
 * per-run configs (`applyNodeTimeoutConfigs`, `batchCreateNodeTimeoutConfig`), the
 * executing-pool maintenance (add an entry when a node with a config enters RUNNING,
 * remove it when the node leaves RUNNING, rebuild the pool from the database on start),
 * and the timeout strategies (`forced_fail`, `forced_fail_and_skip`, custom providers).
 * It also gets Termite's two timeout kinds (queue-wait and running, DESIGN §8).
 *
 * Today it only provides its settings.
 */
@Module({})
export class NodeTimeoutModule {
  static forRoot(settings: Partial<NodeTimeoutSettings> = {}): DynamicModule {
    return {
      module: NodeTimeoutModule,
      providers: [
        {
          provide: NODE_TIMEOUT_SETTINGS,
          useValue: { ...DEFAULT_NODE_TIMEOUT_SETTINGS, ...settings },
        },
      ],
      exports: [NODE_TIMEOUT_SETTINGS],
    };
  }
}

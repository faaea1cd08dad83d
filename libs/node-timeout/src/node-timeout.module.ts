import { nodeTimerModuleParts, resolveNodeTimerRole } from '@app/pipeline';
import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import {
  NODE_TIMEOUT_OPTIONS,
  type NodeTimeoutModuleOptions,
  type ResolvedNodeTimeoutOptions,
} from './node-timeout.options';
import {
  DEFAULT_NODE_TIMEOUT_SETTINGS,
  NODE_TIMEOUT_SETTINGS,
  type NodeTimeoutSettings,
} from './node-timeout.settings';
import { NodeTimeoutConfigService } from './runtime/node-timeout-config.service';
import { NodeTimeoutKind } from './runtime/node-timeout.kind';
import { NodeTimeoutRuntime } from './runtime/node-timeout-runtime.service';
import { NodeTimeoutTreeChecks } from './runtime/node-timeout-tree-checks';
import { NodeTimeoutTargetModule } from './runtime/run-operations-timeout-target';
import { BUILT_IN_TIMEOUT_STRATEGIES } from './strategies/forced-fail.strategies';
import { NodeTimeoutStrategyRegistry } from './strategies/node-timeout-strategy-registry.service';

/**
 * Contrib module `node-timeout` (bamboo's `pipeline.contrib.node_timeout`, DESIGN §7):
 * `timeout_config: {enable, action, seconds}` on activities.
 *
 * Import it once at the root of every app, next to `PipelineModule` (global), with the
 * process's role. It provides the `NodeTimeoutStrategyRegistry` (every `@TimeoutStrategy`
 * provider of the app, discovered at boot; duplicate names fail the boot) with the built-ins
 * `forced_fail` and `forced_fail_and_skip` (fails, then skips so the run goes on) bound to
 * the engine's operations; the tree checks (`INVALID_TIMER`, `UNKNOWN_ACTION`) through the
 * core's `@PipelineTreeChecks` extension point; `NodeTimeoutConfigService` behind
 * `PUT /pipelines/:id/node-timeouts`; and the timers themselves (`NodeTimeoutRuntime`): pool
 * upkeep on node state changes, the scan loop, the dispatch and handle processors, each where
 * the role runs it. The executing pool is a replaceable provider.
 *
 * Not here yet: Termite's queue-wait timeout (dispatched but not started, DESIGN §8); this
 * one is the running timeout, counted from the node entering RUNNING.
 */
@Module({})
export class NodeTimeoutModule {
  static forRoot(options: NodeTimeoutModuleOptions = {}): DynamicModule {
    const { role, parts } = resolveNodeTimerRole('NodeTimeoutModule', options);
    const settings: NodeTimeoutSettings = { ...DEFAULT_NODE_TIMEOUT_SETTINGS, ...options.settings };
    const scanIntervalSeconds = options.scanIntervalSeconds ?? 1;
    if (!(scanIntervalSeconds > 0))
      throw new Error('NodeTimeoutModule: scanIntervalSeconds must be greater than 0');
    const resolved: ResolvedNodeTimeoutOptions = {
      role,
      parts,
      scanIntervalMs: scanIntervalSeconds * 1000,
      firedRecordTtlMs: (options.firedRecordTtlSeconds ?? 15 * 24 * 3600) * 1000,
    };
    const timers = nodeTimerModuleParts({
      clientName: 'node-timeout',
      role,
      options,
      kind: NodeTimeoutKind,
      runtime: NodeTimeoutRuntime,
      driver: {
        pool: settings.PIPELINE_NODE_TIMEOUT_EXECUTING_POOL,
        dispatchQueue: settings.PIPELINE_NODE_TIMEOUT_DISPATCH_QUEUE,
        handleQueue: settings.PIPELINE_NODE_TIMEOUT_HANDLE_QUEUE,
        scanIntervalMs: resolved.scanIntervalMs,
        firedRecordTtlMs: resolved.firedRecordTtlMs,
        parts,
      },
    });
    return {
      module: NodeTimeoutModule,
      imports: [DiscoveryModule, NodeTimeoutTargetModule, ...timers.imports],
      providers: [
        { provide: NODE_TIMEOUT_SETTINGS, useValue: settings },
        { provide: NODE_TIMEOUT_OPTIONS, useValue: resolved },
        ...timers.providers,
        NodeTimeoutStrategyRegistry,
        ...BUILT_IN_TIMEOUT_STRATEGIES,
        NodeTimeoutTreeChecks,
        NodeTimeoutConfigService,
      ],
      exports: [
        NODE_TIMEOUT_SETTINGS,
        NodeTimeoutStrategyRegistry,
        NodeTimeoutConfigService,
        NodeTimeoutRuntime,
      ],
    };
  }
}

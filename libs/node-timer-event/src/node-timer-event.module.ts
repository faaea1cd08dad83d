import { nodeTimerModuleParts, resolveNodeTimerRole } from '@app/pipeline';
import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ActionRegistry } from './actions/action-registry.service';
import { BUILT_IN_TIMER_EVENT_ACTIONS } from './actions/forced-fail.actions';
import {
  NODE_TIMER_EVENT_OPTIONS,
  type NodeTimerEventModuleOptions,
  type ResolvedNodeTimerEventOptions,
} from './node-timer-event.options';
import {
  DEFAULT_NODE_TIMER_EVENT_SETTINGS,
  NODE_TIMER_EVENT_SETTINGS,
  type NodeTimerEventSettings,
} from './node-timer-event.settings';
import { NodeTimerEventConfigService } from './runtime/node-timer-event-config.service';
import { NodeTimerEventKind } from './runtime/node-timer-event.kind';
import { NodeTimerEventRuntime } from './runtime/node-timer-event-runtime.service';
import { NodeTimerEventTreeChecks } from './runtime/node-timer-event-tree-checks';
import { TimerActionTargetModule } from './runtime/run-operations-timer-action-target';

/**
 * Contrib module `node-timer-event` (bamboo's `pipeline.contrib.node_timer_event`,
 * DESIGN §7): timer boundary events on activities, `events.timer_events: [{enable, action,
 * timer_type, defined}]`.
 *
 * Import it once at the root of every app, next to `PipelineModule` (global), with the
 * process's role. It provides the `ActionRegistry` (every `@TimerEventAction` provider of the
 * app, discovered at boot; duplicate names fail the boot) with the built-ins
 * `bamboo_engine_forced_fail` and `bamboo_engine_forced_fail_and_skip` bound to the engine's
 * operations; the tree checks (`INVALID_TIMER`, `UNKNOWN_ACTION`) through the core's
 * `@PipelineTreeChecks` extension point; `NodeTimerEventConfigService` behind
 * `PUT /pipelines/:id/node-timer-events`; and the timers themselves (`NodeTimerEventRuntime`):
 * pool upkeep on node state changes, the scan loop, the dispatch and handle processors,
 * each where the role runs it. The executing pool is a replaceable provider
 * (`options.executingPool`, or `overrideProvider(ExecutingPool)` in tests).
 */
@Module({})
export class NodeTimerEventModule {
  static forRoot(options: NodeTimerEventModuleOptions = {}): DynamicModule {
    const { role, parts } = resolveNodeTimerRole('NodeTimerEventModule', options);
    const settings: NodeTimerEventSettings = {
      ...DEFAULT_NODE_TIMER_EVENT_SETTINGS,
      ...options.settings,
    };
    const resolved: ResolvedNodeTimerEventOptions = { role, parts };
    const timers = nodeTimerModuleParts({
      clientName: 'node-timer-event',
      role,
      options,
      kind: NodeTimerEventKind,
      runtime: NodeTimerEventRuntime,
      driver: {
        pool: settings.PIPELINE_NODE_TIMER_EVENT_EXECUTING_POOL,
        dispatchQueue: settings.PIPELINE_NODE_TIMER_EVENT_DISPATCH_QUEUE,
        handleQueue: settings.PIPELINE_NODE_TIMER_EVENT_HANDLE_QUEUE,
        scanIntervalMs: settings.PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL * 1000,
        firedRecordTtlMs: settings.PIPELINE_NODE_TIMER_EVENT_MAX_EXPIRE_TIME * 1000,
        parts,
      },
    });
    return {
      module: NodeTimerEventModule,
      imports: [DiscoveryModule, TimerActionTargetModule, ...timers.imports],
      providers: [
        { provide: NODE_TIMER_EVENT_SETTINGS, useValue: settings },
        { provide: NODE_TIMER_EVENT_OPTIONS, useValue: resolved },
        ...timers.providers,
        ActionRegistry,
        ...BUILT_IN_TIMER_EVENT_ACTIONS,
        NodeTimerEventTreeChecks,
        NodeTimerEventConfigService,
      ],
      exports: [
        NODE_TIMER_EVENT_SETTINGS,
        ActionRegistry,
        NodeTimerEventConfigService,
        NodeTimerEventRuntime,
      ],
    };
  }
}

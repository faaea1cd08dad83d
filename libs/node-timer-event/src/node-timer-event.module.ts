import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ActionRegistry } from './actions/action-registry.service';
import { BUILT_IN_TIMER_EVENT_ACTIONS } from './actions/forced-fail.actions';
import {
  DEFAULT_NODE_TIMER_EVENT_SETTINGS,
  NODE_TIMER_EVENT_SETTINGS,
  NodeTimerEventSettings,
} from './node-timer-event.settings';

/**
 * Contrib module `node-timer-event` (bamboo's `pipeline.contrib.node_timer_event`,
 * DESIGN §7).
 *
 * Provides today: its settings; the `ActionRegistry`, which discovers every
 * `@TimerEventAction` provider (`BaseAction` subclasses) of the app at boot and refuses
 * duplicate names; and the built-in actions `bamboo_engine_forced_fail` and
 * `bamboo_engine_forced_fail_and_skip`, which act through a `TimerActionTarget` the app
 * binds to its operations service. The library also exports, as plain functions: ISO 8601
 * timer parsing with luxon (`parseTimerEvent`, `firstDue`, `nextDue`: `time_date`,
 * `time_duration`, `time_cycle` without drift), the per-run configs
 * (`applyNodeTimerEventConfigs`, `batchCreateNodeTimerEventConfig`) and the tree check
 * `nodeTimerEventChecks` (`INVALID_TIMER`, `UNKNOWN_ACTION`). The executing pool port and
 * its adapters live in `@app/pipeline` (`ExecutingPool`).
 *
 * Not yet here: arming and disarming pool entries on node state changes, the scanner loop,
 * the handle-queue processor and the pool adapter provider.
 */
@Module({})
export class NodeTimerEventModule {
  static forRoot(settings: Partial<NodeTimerEventSettings> = {}): DynamicModule {
    return {
      module: NodeTimerEventModule,
      imports: [DiscoveryModule],
      providers: [
        {
          provide: NODE_TIMER_EVENT_SETTINGS,
          useValue: { ...DEFAULT_NODE_TIMER_EVENT_SETTINGS, ...settings },
        },
        ActionRegistry,
        ...BUILT_IN_TIMER_EVENT_ACTIONS,
      ],
      exports: [NODE_TIMER_EVENT_SETTINGS, ActionRegistry],
    };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import {
  DEFAULT_NODE_TIMER_EVENT_SETTINGS,
  NODE_TIMER_EVENT_SETTINGS,
  NodeTimerEventSettings,
} from './node-timer-event.settings';

/**
 * Contrib module `node-timer-event` (bamboo's `pipeline.contrib.node_timer_event`,
 * DESIGN §7).
 *
 * Will hold: the `events: {timer_events: [...]}` activity key and its per-run configs
 * (`applyNodeTimerEventConfigs`, `batchCreateNodeTimerEventConfig`), ISO 8601 timer
 * parsing (`time_date`, `time_duration`, `time_cycle` without drift) through a
 * maintained date library, the executing pool and its adapter (a replaceable provider),
 * and the `BaseAction` registry discovered at start-up with the built-in
 * `bamboo_engine_forced_fail` and `bamboo_engine_forced_fail_and_skip` actions.
 *
 * Today it only provides its settings.
 */
@Module({})
export class NodeTimerEventModule {
  static forRoot(settings: Partial<NodeTimerEventSettings> = {}): DynamicModule {
    return {
      module: NodeTimerEventModule,
      providers: [
        {
          provide: NODE_TIMER_EVENT_SETTINGS,
          useValue: { ...DEFAULT_NODE_TIMER_EVENT_SETTINGS, ...settings },
        },
      ],
      exports: [NODE_TIMER_EVENT_SETTINGS],
    };
  }
}

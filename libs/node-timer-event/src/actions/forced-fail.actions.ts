import { forceFailNode, type ComponentData, type ParentData } from '@app/pipeline';
import { Injectable, Logger, Optional } from '@nestjs/common';
import { BaseAction, type TimerActionEvent } from './base-action';
import { TimerActionTarget } from './timer-action-target.port';
import { getTimerEventActionMetadata, TimerEventAction } from './timer-event-action.decorator';

/** Who the seed names as the operator of a forced failure. */
export const TIMER_EVENT_OPERATOR = 'bamboo_engine';

/**
 * The two built-ins, which differ only in whether the skip follows. The target is optional
 * so the module boots without one; a built-in firing without one throws.
 */
@Injectable()
abstract class ForcedFailBuiltIn extends BaseAction {
  /** Skip the node once it failed, so the run goes on. */
  protected abstract readonly thenSkip: boolean;
  private readonly logger = new Logger(this.constructor.name);

  constructor(@Optional() private readonly target?: TimerActionTarget) {
    super();
  }

  async do(
    _data: ComponentData,
    _parentData: ParentData,
    event: TimerActionEvent,
  ): Promise<boolean> {
    if (!this.target) {
      const name = getTimerEventActionMetadata(this.constructor)?.name;
      throw new Error(`Timer event action '${name}' fired, but no TimerActionTarget is bound`);
    }
    const out = await forceFailNode(this.target, event, `forced fail by ${TIMER_EVENT_OPERATOR}`, {
      thenSkip: this.thenSkip,
    });
    const skip = this.thenSkip && out.failed ? `, skip ${out.skipped ? 'done' : 'refused'}` : '';
    this.logger.log(
      `node ${event.nodeId} of run ${event.runId}: forced fail ${out.failed ? 'done' : 'not applicable'}${skip}`,
    );
    return out.applied;
  }
}

/** Built-in `bamboo_engine_forced_fail`: the node fails (`ex_data` "forced fail by bamboo_engine"). */
@Injectable()
@TimerEventAction('bamboo_engine_forced_fail')
export class ForcedFailAction extends ForcedFailBuiltIn {
  protected readonly thenSkip = false;
}

/**
 * Built-in `bamboo_engine_forced_fail_and_skip`: the node fails, then is skipped so the run
 * goes on. The skip runs only when the forced failure applied.
 */
@Injectable()
@TimerEventAction('bamboo_engine_forced_fail_and_skip')
export class ForcedFailAndSkipAction extends ForcedFailBuiltIn {
  protected readonly thenSkip = true;
}

/** The built-in actions, provided by `NodeTimerEventModule`. */
export const BUILT_IN_TIMER_EVENT_ACTIONS = [ForcedFailAction, ForcedFailAndSkipAction] as const;

import { PipelineError, type ComponentData, type ParentData } from '@app/pipeline';
import { Injectable, Logger, Optional } from '@nestjs/common';
import { BaseAction, type TimerActionEvent } from './base-action';
import { TimerActionTarget } from './timer-action-target.port';
import { TimerEventAction } from './timer-event-action.decorator';

/** Who the seed names as the operator of a forced failure. */
export const TIMER_EVENT_OPERATOR = 'bamboo_engine';

/**
 * Runs one operation of the target: `true`/`undefined` = done, `false` or a conflict /
 * not-found error = the node moved on (nothing to do). Other errors propagate (retried).
 */
async function attempt(run: () => Promise<boolean | void>): Promise<boolean> {
  try {
    return (await run()) !== false;
  } catch (error) {
    if (
      error instanceof PipelineError &&
      (error.kind === 'conflict' || error.kind === 'not_found')
    ) {
      return false;
    }
    throw error;
  }
}

function bound(target: TimerActionTarget | undefined, action: string): TimerActionTarget {
  if (!target) {
    throw new Error(`Timer event action '${action}' fired, but no TimerActionTarget is bound`);
  }
  return target;
}

/** Built-in `bamboo_engine_forced_fail`: the node fails (`ex_data` "forced fail by bamboo_engine"). */
@Injectable()
@TimerEventAction('bamboo_engine_forced_fail')
export class ForcedFailAction extends BaseAction {
  private readonly logger = new Logger(ForcedFailAction.name);

  constructor(@Optional() private readonly target?: TimerActionTarget) {
    super();
  }

  async do(
    _data: ComponentData,
    _parentData: ParentData,
    event: TimerActionEvent,
  ): Promise<boolean> {
    const target = bound(this.target, 'bamboo_engine_forced_fail');
    const done = await attempt(() =>
      target.forcedFail(
        event.runId,
        event.nodeId,
        event.version,
        `forced fail by ${TIMER_EVENT_OPERATOR}`,
      ),
    );
    this.logger.log(
      `node ${event.nodeId} of run ${event.runId}: forced fail ${done ? 'done' : 'not applicable'}`,
    );
    return done;
  }
}

/**
 * Built-in `bamboo_engine_forced_fail_and_skip`: the node fails, then is skipped so the run
 * goes on. The skip runs only when the forced failure applied.
 */
@Injectable()
@TimerEventAction('bamboo_engine_forced_fail_and_skip')
export class ForcedFailAndSkipAction extends BaseAction {
  private readonly logger = new Logger(ForcedFailAndSkipAction.name);

  constructor(@Optional() private readonly target?: TimerActionTarget) {
    super();
  }

  async do(
    _data: ComponentData,
    _parentData: ParentData,
    event: TimerActionEvent,
  ): Promise<boolean> {
    const target = bound(this.target, 'bamboo_engine_forced_fail_and_skip');
    const failed = await attempt(() =>
      target.forcedFail(
        event.runId,
        event.nodeId,
        event.version,
        `forced fail by ${TIMER_EVENT_OPERATOR}`,
      ),
    );
    const skipped = failed && (await attempt(() => target.skip(event.runId, event.nodeId)));
    this.logger.log(
      `node ${event.nodeId} of run ${event.runId}: forced fail ${failed ? 'done' : 'not applicable'}${failed ? `, skip ${skipped ? 'done' : 'refused'}` : ''}`,
    );
    return skipped;
  }
}

/** The built-in actions, provided by `NodeTimerEventModule`. */
export const BUILT_IN_TIMER_EVENT_ACTIONS = [ForcedFailAction, ForcedFailAndSkipAction] as const;

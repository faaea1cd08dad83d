/** Trees with node timeouts and timer events for the timer e2e suites (embedded and distributed). */
import { chainTree, plain, type StepSpec } from './run-trees';

export interface TimerEventDef {
  enable: boolean;
  action: string;
  timer_type: 'time_date' | 'time_duration' | 'time_cycle';
  defined: string;
}

/** A `wait_callback` activity (RUNNING until called back) with a timeout. */
export function waitWithTimeout(id: string, seconds: number, action = 'forced_fail'): StepSpec {
  return {
    id,
    code: 'wait_callback',
    extra: { timeout_config: { enable: true, action, seconds } },
  };
}

/** A `wait_callback` activity with timer events. */
export function waitWithTimers(id: string, events: TimerEventDef[]): StepSpec {
  return { id, code: 'wait_callback', extra: { events: { timer_events: events } } };
}

export const timerEvent = (
  timer_type: TimerEventDef['timer_type'],
  defined: string,
  action: string,
): TimerEventDef => ({
  enable: true,
  action,
  timer_type,
  defined,
});

/** A `sleep` activity of `seconds` (finishes on its own). */
export function sleepStep(
  id: string,
  seconds: number,
  extra: Record<string, unknown> = {},
): StepSpec {
  return { id, code: 'sleep', inputs: { seconds: plain(seconds) }, extra };
}

/** start → SubProcess `sub` (whose tree is a chain of `inner`) → `after` (noop) → end. */
export function subprocessTree(id: string, inner: StepSpec[]) {
  // Ids are unique across nested trees: prefix the child's events and flows.
  const child = JSON.parse(
    JSON.stringify(chainTree('sub', inner)).replace(
      /"(s|e|f\d+)"/g,
      (_m, k: string) => `"sub_${k}"`,
    ),
  ) as ReturnType<typeof chainTree>;
  const outer = chainTree(id, [
    { id: 'sub', code: 'noop' },
    { id: 'after', code: 'noop' },
  ]);
  const sub = (outer.activities as Record<string, Record<string, unknown>>).sub;
  delete sub.component;
  for (const k of ['error_ignorable', 'skippable', 'retryable', 'optional']) delete sub[k];
  Object.assign(sub, { type: 'SubProcess', params: {}, pipeline: child });
  return outer;
}

export { chainTree };

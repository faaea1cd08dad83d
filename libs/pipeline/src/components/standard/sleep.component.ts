import { failWith, readInputs } from '../component-inputs';
import { PipelineComponent } from '../pipeline-component.decorator';
import {
  Service,
  type ComponentData,
  type FieldFormat,
  type ParentData,
  type ScheduleType,
} from '../service';

/**
 * `sleep`: finishes once input `seconds` have passed, without holding a worker. `execute` records
 * the deadline in the outputs and the runtime polls (a delayed job) when it is due. The deadline
 * is tied to the node version it was set under: a re-run of `execute` after a crash keeps it,
 * while a retry (new version) starts a fresh sleep.
 */
@PipelineComponent({
  code: 'sleep',
  name: 'Sleep',
  description: "Finishes after input 'seconds' without holding a worker (a delayed poll).",
})
export class SleepComponent extends Service {
  override readonly scheduleType: ScheduleType = 'poll';

  execute(data: ComponentData, parentData: ParentData): boolean {
    const inputs = readInputs(data, (r) => ({ seconds: r.number('seconds', { min: 0 }) }));
    if (!inputs) return false;
    const now = Date.now();
    const recorded =
      data.getOutput<unknown>('due_at_version') === parentData.version ? dueAtMs(data) : undefined;
    const due = recorded ?? now + inputs.seconds * 1000;
    if (!Number.isFinite(due) || Math.abs(due) > MAX_DATE_MS) {
      return failWith(data, `input 'seconds' is too large: ${inputs.seconds}`);
    }
    data.setOutput('due_at', new Date(due).toISOString());
    data.setOutput('due_at_version', parentData.version);
    if (due <= now) this.finishSchedule(data);
    return true;
  }

  override schedule(data: ComponentData): boolean {
    const due = dueAtMs(data);
    if (due === undefined)
      return failWith(data, "sleep lost its deadline (output 'due_at' is missing or invalid)");
    if (Date.now() >= due) this.finishSchedule(data);
    return true;
  }

  /** The time left until the deadline (0 when due; the runtime then calls `schedule` at once). */
  override pollIntervalSeconds(data: ComponentData): number {
    const due = dueAtMs(data);
    if (due === undefined) return 0;
    return Math.max(0, due - Date.now()) / 1000;
  }

  override inputsFormat(): FieldFormat[] {
    return [
      {
        key: 'seconds',
        type: 'number',
        required: true,
        description: 'How long to sleep (>= 0; 0 finishes at once).',
      },
    ];
  }

  override outputsFormat(): FieldFormat[] {
    return [
      { key: 'due_at', type: 'string', description: 'When the sleep ends (ISO 8601, UTC).' },
      {
        key: 'due_at_version',
        type: 'number',
        description: 'The node version the deadline was set under.',
      },
    ];
  }
}

/** The largest time a JS Date can hold. */
const MAX_DATE_MS = 8.64e15;

function dueAtMs(data: ComponentData): number | undefined {
  const value = data.getOutput<unknown>('due_at');
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

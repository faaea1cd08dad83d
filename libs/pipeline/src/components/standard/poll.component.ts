import { InputReader, readInputs } from '../component-inputs';
import { PipelineComponent } from '../pipeline-component.decorator';
import { Service, type ComponentData, type FieldFormat, type ScheduleType } from '../service';

/**
 * `poll`: polls `times` times (default 1), `interval` seconds apart (default 1; 0 allowed), then
 * finishes; output `polls` counts the polls so far. With the defaults and `interval: 0` it is
 * bamboo's benchmark node: one execute plus one schedule.
 */
@PipelineComponent({
  code: 'poll',
  name: 'Poll',
  description: "Polls 'times' times every 'interval' seconds, then finishes.",
})
export class PollComponent extends Service {
  override readonly scheduleType: ScheduleType = 'poll';

  execute(data: ComponentData): boolean {
    const inputs = readInputs(data, readPollInputs);
    if (!inputs) return false;
    data.setOutput('polls', 0);
    if (inputs.times === 0) this.finishSchedule(data);
    return true;
  }

  override schedule(data: ComponentData): boolean {
    const inputs = readInputs(data, readPollInputs);
    if (!inputs) return false;
    const previous = data.getOutput<unknown>('polls');
    const polls =
      (typeof previous === 'number' && Number.isInteger(previous) && previous >= 0 ? previous : 0) +
      1;
    data.setOutput('polls', polls);
    if (polls >= inputs.times) this.finishSchedule(data);
    return true;
  }

  override pollIntervalSeconds(data: ComponentData): number {
    // execute has validated the inputs; fall back to the default rather than throw here.
    try {
      return new InputReader(data.inputs).number('interval', { default: 1, min: 0 });
    } catch {
      return 1;
    }
  }

  override inputsFormat(): FieldFormat[] {
    return [
      {
        key: 'times',
        type: 'number',
        description: 'How many polls before finishing (integer >= 0, default 1).',
      },
      { key: 'interval', type: 'number', description: 'Seconds between polls (>= 0, default 1).' },
    ];
  }

  override outputsFormat(): FieldFormat[] {
    return [{ key: 'polls', type: 'number', description: 'How many polls have run so far.' }];
  }
}

function readPollInputs(r: InputReader): { times: number; interval: number } {
  return {
    times: r.number('times', { default: 1, min: 0, integer: true }),
    interval: r.number('interval', { default: 1, min: 0 }),
  };
}

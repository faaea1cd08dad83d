import { PipelineComponent } from '../pipeline-component.decorator';
import { Service, type ComponentData, type FieldFormat, type ParentData, type ScheduleType } from '../service';

/**
 * `multi_callback`: collects callbacks until it has `count` of them (default 1), or one whose
 * data is an object with `finish: true`. Every callback's data is appended to the `callbacks`
 * output, in the order the engine accepted them; `received` counts them.
 */
@PipelineComponent({
  code: 'multi_callback',
  name: 'Wait for several callbacks',
  description: 'Finishes after `count` callbacks (or one with finish: true); outputs them all.',
})
export class MultiCallbackComponent extends Service {
  override readonly scheduleType: ScheduleType = 'multi_callback';

  execute(data: ComponentData): boolean {
    const count = data.getInput<unknown>('count', 1);
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) {
      data.setOutput('ex_data', 'input count must be a positive integer');
      return false;
    }
    data.setOutput('callbacks', []);
    data.setOutput('received', 0);
    return true;
  }

  override schedule(data: ComponentData, _parentData: ParentData, callbackData?: unknown): boolean {
    const callbacks = [...data.getOutput<unknown[]>('callbacks', []), callbackData ?? null];
    data.setOutput('callbacks', callbacks);
    data.setOutput('received', callbacks.length);
    const finish = typeof callbackData === 'object' && callbackData !== null && (callbackData as { finish?: unknown }).finish === true;
    if (finish || callbacks.length >= data.getInput<number>('count', 1)) this.finishSchedule(data);
    return true;
  }

  override inputsFormat(): FieldFormat[] {
    return [{ key: 'count', type: 'number', description: 'Callbacks to wait for (default 1).' }];
  }

  override outputsFormat(): FieldFormat[] {
    return [
      { key: 'callbacks', type: 'array', description: 'Every callback data, in order.' },
      { key: 'received', type: 'number', description: 'How many callbacks arrived.' },
    ];
  }
}

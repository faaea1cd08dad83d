import { PipelineComponent } from '../pipeline-component.decorator';
import {
  Service,
  type ComponentData,
  type FieldFormat,
  type ParentData,
  type ScheduleType,
} from '../service';

/**
 * `wait_callback`: waits until the node is called back, then finishes. The callback's data is
 * output twice: when it is a plain object, each of its keys becomes an output of the same name;
 * and the whole value is always in `callback_data` (which wins over a key of that name).
 */
@PipelineComponent({
  code: 'wait_callback',
  name: 'Wait for callback',
  description: 'Finishes when the node is called back; outputs the callback data.',
})
export class WaitCallbackComponent extends Service {
  override readonly scheduleType: ScheduleType = 'callback';

  execute(): boolean {
    return true;
  }

  override schedule(data: ComponentData, _parentData: ParentData, callbackData?: unknown): boolean {
    if (isPlainObject(callbackData)) {
      for (const [key, value] of Object.entries(callbackData)) data.setOutput(key, value);
    }
    data.setOutput('callback_data', callbackData ?? null);
    this.finishSchedule(data);
    return true;
  }

  override outputsFormat(): FieldFormat[] {
    return [
      {
        key: 'callback_data',
        type: 'any',
        description: 'The whole callback data (null when none was sent).',
      },
      {
        key: '*',
        type: 'any',
        description: 'When the callback data is an object, each of its keys.',
      },
    ];
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

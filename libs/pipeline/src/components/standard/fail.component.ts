import { readInputs } from '../component-inputs';
import { PipelineComponent } from '../pipeline-component.decorator';
import { Service, type ComponentData, type FieldFormat } from '../service';

/**
 * `fail`: fails with `ex_data` = input `message` (default `'failed'`). With input `fail: false` it
 * succeeds instead, so a retry with new inputs can pass.
 */
@PipelineComponent({
  code: 'fail',
  name: 'Fail',
  description: "Fails with ex_data = input 'message'; succeeds when input 'fail' is false.",
})
export class FailComponent extends Service {
  execute(data: ComponentData): boolean {
    const inputs = readInputs(data, (r) => ({
      fail: r.boolean('fail', { default: true }),
      message: r.any('message'),
    }));
    if (!inputs) return false;
    if (!inputs.fail) return true;
    data.setOutput('ex_data', toExData(inputs.message));
    return false;
  }

  override inputsFormat(): FieldFormat[] {
    return [
      {
        key: 'message',
        type: 'string',
        description: "The node's ex_data (default 'failed'); objects are JSON-encoded.",
      },
      { key: 'fail', type: 'boolean', description: 'false = succeed instead (default true).' },
    ];
  }

  override outputsFormat(): FieldFormat[] {
    return [{ key: 'ex_data', type: 'string', description: 'The failure message.' }];
  }
}

function toExData(message: unknown): string {
  if (message === undefined || message === null || message === '') return 'failed';
  if (typeof message === 'string') return message;
  if (typeof message === 'object') return JSON.stringify(message);
  return String(message);
}

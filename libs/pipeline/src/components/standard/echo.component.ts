import { PipelineComponent } from '../pipeline-component.decorator';
import { Service, type ComponentData, type FieldFormat } from '../service';

/** `echo`: copies every rendered input to the output of the same key. */
@PipelineComponent({
  code: 'echo',
  name: 'Echo',
  description: 'Outputs its rendered inputs: every input key becomes the same output key.',
})
export class EchoComponent extends Service {
  execute(data: ComponentData): boolean {
    for (const [key, value] of Object.entries(data.inputs)) data.setOutput(key, value);
    return true;
  }

  override inputsFormat(): FieldFormat[] {
    return [
      {
        key: '*',
        type: 'any',
        description: 'Any inputs; each is copied to the output of the same key.',
      },
    ];
  }

  override outputsFormat(): FieldFormat[] {
    return [{ key: '*', type: 'any', description: 'The inputs, key for key.' }];
  }
}

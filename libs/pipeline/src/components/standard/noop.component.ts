import { PipelineComponent } from '../pipeline-component.decorator';
import { Service } from '../service';

/** `noop`: does nothing and succeeds. */
@PipelineComponent({ code: 'noop', name: 'No-op', description: 'Does nothing and succeeds.' })
export class NoopComponent extends Service {
  execute(): boolean {
    return true;
  }
}

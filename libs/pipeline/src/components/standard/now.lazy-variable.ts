import { LazyVariable } from '../lazy-variable';
import { PipelineLazyVariable } from '../pipeline-lazy-variable.decorator';

/** `{type: 'lazy', custom_type: 'now'}`: the current time as an ISO 8601 UTC string; `value` is ignored. */
@PipelineLazyVariable({
  code: 'now',
  name: 'Now',
  description: 'The current time (ISO 8601, UTC) when rendered.',
})
export class NowLazyVariable extends LazyVariable {
  getValue(): string {
    return new Date(Date.now()).toISOString();
  }
}

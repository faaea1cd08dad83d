import { PipelineComponent } from '../pipeline-component.decorator';
import { Service, type ComponentData, type FieldFormat, type ParentData, type ScheduleType } from '../service';

/** Scope variables (keyed `${name}`) by plain name, as a worker in any language reads them. */
const byName = (context: Readonly<Record<string, unknown>>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(context).map(([key, value]) => [key.replace(/^\$\{(.*)\}$/, '$1'), value]));

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `external_task`: hands the work to clients outside the engine (Termite's model, DESIGN §8.6):
 * the node waits on `topic` with its `payload` until a client reports back. A report is a
 * callback `{outputs: {...}}` (the node finishes with those outputs) or `{error: "..."}` (it
 * fails with that reason, under the node's retry policy). DAG works given by name are this
 * component with the work's name as topic and, as payload, the run's variables.
 */
@PipelineComponent({
  code: 'external_task',
  name: 'External task',
  description: 'Waits for an external worker to take the task on `topic` and report its outputs or its failure.',
})
export class ExternalTaskComponent extends Service {
  override readonly scheduleType: ScheduleType = 'callback';

  execute(data: ComponentData, parentData: ParentData): boolean {
    const topic = data.inputs.topic;
    if (typeof topic !== 'string' || topic.trim() === '' || topic.length > 128) {
      data.setOutput('ex_data', 'input `topic` must be a non-empty string of at most 128 characters');
      return false;
    }
    // Without an explicit payload (a DAG work given by name), the worker gets the run's variables.
    const payload = data.inputs.payload !== undefined ? data.inputs.payload : byName(parentData.context);
    data.setOutput('topic', topic);
    data.setOutput('payload', payload);
    data.offerExternalTask(topic, payload);
    return true;
  }

  override schedule(data: ComponentData, _parentData: ParentData, report?: unknown): boolean {
    if (isPlainObject(report) && report.error !== undefined && report.outputs === undefined) {
      data.setOutput('ex_data', report.error);
      return false;
    }
    const outputs = isPlainObject(report) && isPlainObject(report.outputs) ? report.outputs : isPlainObject(report) ? report : {};
    for (const [key, value] of Object.entries(outputs)) data.setOutput(key, value);
    this.finishSchedule(data);
    return true;
  }

  override inputsFormat(): FieldFormat[] {
    return [
      { key: 'topic', type: 'string', required: true, description: 'The topic external workers fetch tasks from.' },
      { key: 'payload', type: 'any', description: "What the worker gets with the task (default: the run's variables)." },
    ];
  }

  override outputsFormat(): FieldFormat[] {
    return [
      { key: 'topic', type: 'string', description: 'The topic the task was offered on.' },
      { key: 'payload', type: 'any', description: 'What the worker was given.' },
      { key: '*', type: 'any', description: 'The outputs the worker reported.' },
    ];
  }
}

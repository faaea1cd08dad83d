import type { CpuTaskPool } from './cpu-task-pool.service';
import { Service, type ComponentData, type ParentData } from './service';

/** What a CPU-bound component's worker module gets. */
export interface CpuTaskInput {
  inputs: Record<string, unknown>;
  runId: string;
  nodeId: string;
}

/**
 * A component whose work is CPU-bound: `execute` runs the default export of `workerFile` on
 * the `CpuTaskPool` (worker threads) and sets what it returns as the node's outputs, so the
 * engine's event loop never blocks on it. The worker function is pure: inputs in, outputs out
 * (no DI, no `this`); throw to fail the node. Declare `workerFile` as an absolute path, e.g.
 * `require.resolve('./my-work.worker')`.
 */
export abstract class CpuBoundService extends Service {
  /** Marks the component as running on the CPU pool (the component catalogue shows it). */
  readonly cpuBound = true;
  protected abstract readonly workerFile: string;

  protected constructor(protected readonly cpu: CpuTaskPool) {
    super();
  }

  async execute(data: ComponentData, parentData: ParentData): Promise<boolean> {
    const input: CpuTaskInput = { inputs: { ...data.inputs }, runId: parentData.runId, nodeId: parentData.nodeId };
    const outputs = await this.cpu.run<Record<string, unknown> | undefined>(this.workerFile, input);
    for (const [key, value] of Object.entries(outputs ?? {})) data.setOutput(key, value);
    return true;
  }
}

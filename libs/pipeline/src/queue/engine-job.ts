/**
 * Payloads of the engine's jobs, and their deterministic ids, in one place.
 */

export type EngineJob =
  /** A process takes its next step; stale when the process rev moved on. */
  | { kind: 'advance'; runId: string; processId: string; rev: number; /** Hint: the node it will enter, to read ahead. */ nodeId?: string }
  /** Run a component's `execute` for a node version. */
  | { kind: 'execute'; runId: string; nodeId: string; version: number }
  /** Call a polling component's `schedule` for a node version. */
  | { kind: 'schedule'; runId: string; nodeId: string; version: number; scheduleTimes: number };

export function jobId(job: EngineJob): string {
  switch (job.kind) {
    case 'advance':
      return `advance:${job.runId}:${job.processId}:${job.rev}`;
    case 'execute':
      return `execute:${job.runId}:${job.nodeId}:${job.version}`;
    case 'schedule':
      return `schedule:${job.runId}:${job.nodeId}:${job.version}:${job.scheduleTimes}`;
  }
}

/** Checks a payload read from a queue; throws on anything malformed. */
export function parseEngineJob(data: unknown): EngineJob {
  const d = data as Record<string, unknown>;
  const str = (k: string) => typeof d?.[k] === 'string' && (d[k] as string).length > 0;
  const int = (k: string) => Number.isInteger(d?.[k]) && (d[k] as number) >= 0;
  if (d && str('runId')) {
    if (d.kind === 'advance' && str('processId') && int('rev') && (d.nodeId === undefined || str('nodeId'))) return d as EngineJob;
    if (d.kind === 'execute' && str('nodeId') && int('version')) return d as EngineJob;
    if (d.kind === 'schedule' && str('nodeId') && int('version') && int('scheduleTimes')) return d as EngineJob;
  }
  throw new Error(`malformed engine job: ${JSON.stringify(data)?.slice(0, 200)}`);
}

import { Injectable, Logger } from '@nestjs/common';
import { JobQueue } from '../ports/job-queue.port';
import { RunStore } from '../ports/run-store.port';
import { jobId, type EngineJob } from '../queue/engine-job';

const PAGE = 10_000;

/**
 * Re-dispatches the work of unfinished runs from the database, the source of truth. In
 * embedded mode the queue lives in memory and dies with the process, so at boot every
 * process that was about to step and every activity that was running gets its job again.
 * Components may therefore run twice after a crash (at-least-once); state changes still
 * happen once thanks to the version checks.
 */
@Injectable()
export class BootRecovery {
  private readonly logger = new Logger(BootRecovery.name);

  constructor(
    private readonly store: RunStore,
    private readonly queue: JobQueue,
  ) {}

  async recover(): Promise<number> {
    const jobs: EngineJob[] = [];
    for (const p of await this.store.listLiveProcesses(['ACTIVE'], PAGE)) {
      jobs.push({ kind: 'advance', runId: p.runId, processId: p.id, rev: p.rev });
    }
    for (const n of await this.store.listLiveNodes(['RUNNING'], PAGE)) {
      // A callback is the caller's to send; a sub-process waits for its child process.
      if (n.awaiting === 'execute') {
        jobs.push({ kind: 'execute', runId: n.runId, nodeId: n.nodeId, version: n.version });
      } else if (n.awaiting === 'schedule') {
        jobs.push({ kind: 'schedule', runId: n.runId, nodeId: n.nodeId, version: n.version, scheduleTimes: n.scheduleTimes });
      }
    }
    if (jobs.length) {
      await this.queue.add(jobs.map((job) => ({ job, jobId: jobId(job) })));
      this.logger.log(`re-dispatched ${jobs.length} job(s) of unfinished runs`);
    }
    return jobs.length;
  }
}

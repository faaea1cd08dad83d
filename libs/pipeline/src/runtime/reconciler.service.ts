import { Injectable, Logger, Optional } from '@nestjs/common';
import { JobQueue } from '../ports/job-queue.port';
import { RunStore } from '../ports/run-store.port';
import { jobId, type EngineJob } from '../queue/engine-job';
import { PipelineSignals } from '../signals/pipeline-signals.service';

/** Rows looked at per pass; a backlog bigger than that is worked off over several passes. */
const PAGE = 5_000;

export interface ReconcileReport {
  advanced: number;
  executed: number;
  scheduled: number;
  /** PENDING runs admitted into free slots (the safety net for a crash between commit and dispatch). */
  admitted?: number;
}

/**
 * Finds work whose job is gone and dispatches it again from the database, the source of truth:
 *  - a process about to step (ACTIVE) → `advance` at its current rev;
 *  - a running activity awaiting its `execute` or its next `schedule` poll → that job.
 * (A node awaiting a callback waits for its caller; a waiting process waits for its children.)
 *
 * Jobs are lost when a worker dies between steps it walks inline, when Redis is flushed or
 * restarted without persistence, or (embedded mode) whenever the process stops. Re-adding is
 * safe however often it happens and however many reconcilers run: job ids are deterministic,
 * so a job still waiting, delayed or running collapses the duplicate, and a stale one is
 * dropped by the version/rev checks. `graceMs` keeps it off work that is merely in flight.
 * A component may therefore run twice after a crash (at-least-once); state changes once.
 */
@Injectable()
export class Reconciler {
  private readonly logger = new Logger(Reconciler.name);

  constructor(
    private readonly store: RunStore,
    private readonly queue: JobQueue,
    @Optional() private readonly signals?: PipelineSignals,
  ) {}

  /** One pass over work unchanged for `graceMs` (0 = everything: boot of the only process). */
  async reconcileOnce(graceMs: number, now = new Date()): Promise<ReconcileReport> {
    const before = graceMs > 0 ? new Date(now.getTime() - graceMs) : undefined;
    const jobs: EngineJob[] = [];
    const report: ReconcileReport = { advanced: 0, executed: 0, scheduled: 0 };
    for (const p of await this.store.listLiveProcesses(['ACTIVE'], PAGE, before)) {
      jobs.push({ kind: 'advance', runId: p.runId, processId: p.id, rev: p.rev });
      report.advanced++;
    }
    for (const n of await this.store.listLiveNodes(['RUNNING'], PAGE, before)) {
      if (n.awaiting === 'execute') {
        jobs.push({ kind: 'execute', runId: n.runId, nodeId: n.nodeId, version: n.version });
        report.executed++;
      } else if (n.awaiting === 'schedule') {
        jobs.push({ kind: 'schedule', runId: n.runId, nodeId: n.nodeId, version: n.version, scheduleTimes: n.scheduleTimes });
        report.scheduled++;
      }
    }
    // Admission's safety net (DESIGN §8.4): a run that ends admits the next PENDING ones in its
    // own transaction; a definition left with free slots and runs pending (a cap raised by a
    // process that died before admitting, say) is caught up here.
    for (const pipelineId of await this.store.listPipelinesWithPendingRuns(100)) {
      for (const a of await this.store.admitPending(pipelineId, now).catch((e: unknown) => {
        this.logger.warn(`admission of pipeline ${pipelineId} failed: ${(e as Error)?.message ?? e}`);
        return [];
      })) {
        if (a.event) this.signals?.publish(a.runId, [a.event], a.event.seq);
        if (a.deadlineAt) await this.signals?.publishRunDeadline({ runId: a.runId, deadlineAt: a.deadlineAt });
        jobs.push({ kind: 'advance', runId: a.runId, processId: a.processId, rev: a.rev, nodeId: a.nodeId });
        report.admitted = (report.admitted ?? 0) + 1;
      }
    }
    if (jobs.length) {
      await this.queue.add(jobs.map((job) => ({ job, jobId: jobId(job) })));
      this.logger.log(
        `re-dispatched ${jobs.length} job(s): ${report.advanced} advance, ${report.executed} execute, ${report.scheduled} schedule` +
          (graceMs > 0 ? ` (work still for ${graceMs} ms)` : ''),
      );
    }
    return report;
  }
}

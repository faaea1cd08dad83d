import { Logger } from '@nestjs/common';
import type { NodeRecord, RunRecord } from '../engine/run-state';
import { blankNodeRecord } from '../engine/run-state';
import { PipelineError } from '../errors/pipeline.error';
import type { PipelineTree } from '../model/tree.types';
import type { NodeKey, RunDeadline, RunStore } from '../ports/run-store.port';
import type { RunOperationsService } from '../runtime/run-operations.service';
import type { NodeStateListener, PipelineSignals } from '../signals/pipeline-signals.service';
import type { NodeTimerEngine } from '../timers/node-timer-driver';
import type { NodeTimerFireResult, NodeTimerFiring, NodeTimerKind, NodeTimerSpec } from '../timers/node-timer-kind';

/**
 * The run timeout (DESIGN §8.3) on the generic node-timer driver. A run with a deadline is seen
 * by the driver as one pseudo node, `$run`, RUNNING at version 1 while the run is unfinished,
 * whose life "started" at the deadline; its one timer is due at that start. So the driver's
 * pool upkeep, scans, queues, at-least-once handling and rebuild from the database all apply
 * unchanged: `runDeadlineEngine` adapts the store and signals to that view.
 */
export const RUN_TIMER_NODE = '$run';

const DEADLINE_SPEC: NodeTimerSpec = {
  index: 1,
  firstDue: (deadline) => deadline,
  occurrence: () => 1,
  nextDue: () => null,
};

/** Every run registers the same single timer; the tree is not read. */
const REGISTRATION: ReadonlyMap<string, readonly NodeTimerSpec[]> = new Map([[RUN_TIMER_NODE, [DEADLINE_SPEC]]]);
const NO_TREE = { tree: {} as PipelineTree };

export class RunTimeoutKind implements NodeTimerKind {
  readonly name = 'run-timeout';
  readonly memberPrefix = '';
  private readonly logger = new Logger(RunTimeoutKind.name);

  constructor(private readonly operations: Pick<RunOperationsService, 'timeoutRun'>) {}

  register(): ReadonlyMap<string, readonly NodeTimerSpec[]> {
    return REGISTRATION;
  }

  async fire(f: NodeTimerFiring): Promise<NodeTimerFireResult | void> {
    try {
      const out = await this.operations.timeoutRun(f.runId);
      if (out.applied) {
        this.logger.warn(`run ${f.runId}: timed out (deadline ${new Date(f.dueAt).toISOString()}), revoked`);
        return;
      }
      this.logger.debug(`run ${f.runId}: run timeout not applied (${out.reason})`);
      if (out.notBefore) return { rearmAt: out.notBefore.getTime() };
    } catch (e) {
      // Finished or revoked meanwhile (409), or gone (404): nothing to do.
      if (e instanceof PipelineError && (e.kind === 'conflict' || e.kind === 'not_found')) {
        this.logger.debug(`run ${f.runId}: run timeout not applicable: ${e.message}`);
        return;
      }
      throw e;
    }
  }
}

function deadlineNode(runId: string, deadlineAt: Date): NodeRecord {
  return blankNodeRecord({ runId, nodeId: RUN_TIMER_NODE, scopeId: '', processId: '', state: 'RUNNING', version: 1, startedAt: deadlineAt });
}

/** The engine as the run-timeout driver sees it (see `RUN_TIMER_NODE`). */
export function runDeadlineEngine(
  signals: Pick<PipelineSignals, 'onRunDeadline'>,
  store: Pick<RunStore, 'getRun' | 'pageRunDeadlines'>,
): NodeTimerEngine {
  /** The last page's cursor: the driver pages on by (run, node) key, the store by (deadline, run). */
  let last: RunDeadline | null = null;
  return {
    signals: {
      onNodeStateChange: (listener: NodeStateListener) =>
        signals.onRunDeadline(({ runId, deadlineAt }) =>
          listener([{ runId, nodeId: RUN_TIMER_NODE, scopeId: '', state: 'RUNNING', version: 1, previous: null, startedAt: deadlineAt }]),
        ),
    },
    store: {
      async loadNodeWithRun(runId: string, nodeId: string): Promise<{ run: RunRecord; node: NodeRecord | null } | null> {
        const run = await store.getRun(runId);
        if (!run) return null;
        const node = nodeId === RUN_TIMER_NODE && run.deadlineAt ? deadlineNode(run.id, run.deadlineAt) : null;
        return { run: { id: run.id, state: run.state, rev: run.rev, deadlineAt: run.deadlineAt }, node };
      },
      async pageLiveNodes(_states, after: NodeKey | null, limit: number): Promise<NodeRecord[]> {
        let cursor: RunDeadline | null = null;
        if (after) {
          if (last?.runId === after.runId) cursor = last;
          else {
            const run = await store.getRun(after.runId);
            cursor = run?.deadlineAt ? { runId: run.id, deadlineAt: run.deadlineAt } : null;
          }
        }
        const page = await store.pageRunDeadlines(cursor, limit);
        last = page.length ? page[page.length - 1] : null;
        return page.map((d) => deadlineNode(d.runId, d.deadlineAt));
      },
    },
    trees: { compiledTree: async () => NO_TREE },
  };
}

import { Logger } from '@nestjs/common';
import { FINAL_RUN_STATES } from '../engine/node-machine';
import type { NodeRecord } from '../engine/run-state';
import type { PipelineTree } from '../model/tree.types';
import type { PipelineRole } from '../pipeline.module';
import type { NodeKey, RunStore } from '../ports/run-store.port';
import type { NodeStateChange, PipelineSignals } from '../signals/pipeline-signals.service';
import type { ExecutingPool, PoolEntry } from './executing-pool.port';
import type { NodeTimerKind, NodeTimerSpec } from './node-timer-kind';
import {
  decodeNodeTimerMember,
  encodeNodeTimerMember,
  type NodeTimerRef,
} from './node-timer-member';
import type { TimerJobQueue } from './timer-job-queue.port';

/** What the driver reads from the engine (narrow, so tests and the benchmark can fake it). */
export interface NodeTimerEngine {
  signals: Pick<PipelineSignals, 'onNodeStateChange'>;
  store: Pick<RunStore, 'loadNodeWithRun' | 'pageLiveNodes'>;
  /** `EngineRuntime`: a run's compiled tree (cached per run), whose `tree` is the stored one. */
  trees: { compiledTree(runId: string): Promise<{ tree: PipelineTree } | null> };
}

/** Which parts of the timer machinery run in a process (DESIGN §2 roles). */
export interface NodeTimerParts {
  /** Keep the pool in step with node state changes (every process that commits decisions). */
  maintain: boolean;
  /** Scan the pool and dispatch due entries (the timer-scanner, or the embedded app). */
  scan: boolean;
  /** Consume the dispatch and handle queues (engine workers, or the embedded app). */
  handle: boolean;
}

/** The parts a role runs: upkeep everywhere, scans in the scanner, processors in workers; all of it embedded. */
export function nodeTimerPartsFor(role: PipelineRole): NodeTimerParts {
  return {
    maintain: true,
    scan: role === 'embedded' || role === 'scanner',
    handle: role === 'embedded' || role === 'worker',
  };
}

export interface NodeTimerDriverOptions {
  /** The executing pool's name (its Redis key). `<pool>:fired` and `<pool>:rebuilt` are used too. */
  pool: string;
  dispatchQueue: string;
  handleQueue: string;
  /** Longest sleep of the scan loop, in ms (the scan interval setting). */
  scanIntervalMs: number;
  parts: NodeTimerParts;
  /**
   * How long the record of a timer that fired while its node stays RUNNING is kept (ms,
   * default 15 days); it keeps a rebuild from firing that timer again.
   */
  firedRecordTtlMs?: number;
  /** Entries taken per take and sent per dispatch job (default 1,000). */
  batchSize?: number;
  /**
   * RUNNING nodes a rebuild reads per page (default 5,000): it pages through all of them,
   * arming each page's timers before reading the next, so its memory stays bounded.
   */
  rebuildPageSize?: number;
  /**
   * Where the scan loop registers each sleep as a named timeout while it waits, so an app can
   * see and clear it: `@nestjs/schedule`'s `SchedulerRegistry` in the apps (see `NodeTimerRuntime`).
   */
  timeouts?: NamedTimeouts;
  /** Told how late each firing is (ms past its due time): the metrics' timer lateness. */
  onFiring?: (latenessMs: number) => void;
}

/** Named timeouts (the shape of `@nestjs/schedule`'s `SchedulerRegistry` the scan loop uses). */
export interface NamedTimeouts {
  addTimeout(name: string, timeout: NodeJS.Timeout): void;
  deleteTimeout(name: string): void;
  doesExist(type: 'timeout', name: string): boolean;
}

const DEFAULT_FIRED_TTL_MS = 15 * 24 * 3600 * 1000;
const PURGE_EVERY_MS = 60_000;
const MARKER = 'rebuilt';

/**
 * The runtime of one node-timer kind (DESIGN §7), the same in embedded and distributed mode;
 * only the pool and queue adapters differ.
 *
 * - **Upkeep** (`maintain`): on every committed node change, a node with timers entering
 *   RUNNING at version v gets one pool entry per timer (`firstDue` from the node's start);
 *   leaving RUNNING, or a new version, removes the old version's entries. Driven by
 *   `PipelineSignals.onNodeStateChange`, so there is no polling, and nodes without timers
 *   cost a map lookup.
 * - **Scan** (`scan`): sleeps until the earliest due time, capped by the scan interval,
 *   takes due entries atomically and sends them to the dispatch queue. Before each pass it
 *   checks a marker pool: when the marker is gone (Redis flushed or restarted without
 *   persistence) it rebuilds the pool from the database, as it does on start.
 * - **Handle** (`handle`): the dispatch queue fans entries out to the handle queue; a handle
 *   job fires the timer only if the node is still RUNNING at the entry's version in an
 *   unfinished run, then, for cycles, arms the next due time computed from this due time (no
 *   drift) while the node stays RUNNING at that version.
 *
 * A fired timer whose node stays RUNNING is remembered in `<pool>:fired` (member → due time
 * it fired for) until the node leaves RUNNING, so a rebuild resumes a cycle after its last
 * firing and does not fire a one-shot timer again. Delivery is at-least-once: a timer taken
 * and not yet handled when a scanner dies or a pool is lost may fire twice; actions must be
 * idempotent (the built-ins are, through the version check).
 */
export class NodeTimerDriver<S extends NodeTimerSpec = NodeTimerSpec> {
  private readonly logger = new Logger(NodeTimerDriver.name);
  /** A run's timers by node id, computed once per compiled tree (the runtime caches those per run). */
  private readonly registrations = new WeakMap<object, ReadonlyMap<string, readonly S[]>>();
  private readonly firedPool: string;
  private readonly markerPool: string;
  private readonly batchSize: number;
  private readonly rebuildPageSize: number;
  private readonly firedTtlMs: number;
  private unsubscribe: (() => void) | null = null;
  private loopDone: Promise<void> | null = null;
  private stopping = false;
  private started = false;
  private sleeper: { until: number; wake: () => void } | null = null;
  /** Earliest due time armed in this process during a scan pass (embedded: wakes the sleep). */
  private wakeAt = Infinity;
  private rebuilding: Promise<number> | null = null;
  /** Entries taken whose dispatch failed: put back into the pool on the next pass. */
  private readonly pending: PoolEntry[] = [];
  private lastPurge = 0;

  constructor(
    private readonly kind: NodeTimerKind<S>,
    private readonly pool: ExecutingPool,
    private readonly queue: TimerJobQueue,
    private readonly engine: NodeTimerEngine,
    private readonly options: NodeTimerDriverOptions,
  ) {
    this.firedPool = `${options.pool}:fired`;
    this.markerPool = `${options.pool}:${MARKER}`;
    this.batchSize = Math.max(1, options.batchSize ?? 1_000);
    this.rebuildPageSize = Math.max(1, options.rebuildPageSize ?? 5_000);
    this.firedTtlMs = options.firedRecordTtlMs ?? DEFAULT_FIRED_TTL_MS;
  }

  /** Starts the parts of `options.parts`; once. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const { parts } = this.options;
    if (parts.maintain) {
      this.unsubscribe = this.engine.signals.onNodeStateChange((changes) =>
        this.onNodeStateChange(changes),
      );
    }
    if (parts.handle) {
      this.queue.consume(this.options.dispatchQueue, (entries) => this.fanOut(entries));
      this.queue.consume(this.options.handleQueue, async (entries) => {
        for (const entry of entries) await this.handle(entry);
      });
    }
    if (parts.scan) {
      this.loopDone = this.loop();
      this.logger.log(
        `${this.kind.name}: scanning pool '${this.options.pool}' (sleep ≤ ${this.options.scanIntervalMs} ms) → queue '${this.options.dispatchQueue}'`,
      );
    }
  }

  /** Stops listening and scanning; waits for the scan pass in progress. Queues and pool are the caller's. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.sleeper?.wake();
    await this.loopDone;
  }

  // ------------------------------------------------------------------ upkeep

  /** Arms and disarms the pool entries of the nodes a committed decision wrote. */
  async onNodeStateChange(changes: readonly NodeStateChange[]): Promise<void> {
    const arm: PoolEntry[] = [];
    const disarm: string[] = [];
    for (const c of changes) {
      const prev = c.previous;
      const enters =
        c.state === 'RUNNING' && (!prev || prev.state !== 'RUNNING' || prev.version !== c.version);
      const leaves =
        prev?.state === 'RUNNING' && (c.state !== 'RUNNING' || prev.version !== c.version);
      if (!enters && !leaves) continue;
      const timers = await this.timersOf(c.runId, c.nodeId);
      if (timers.length === 0) continue;
      if (leaves) {
        for (const t of timers)
          disarm.push(
            this.member({
              runId: c.runId,
              nodeId: c.nodeId,
              version: prev.version,
              index: t.index,
            }),
          );
      }
      if (enters) {
        const startedAt = c.startedAt ? c.startedAt.getTime() : Date.now();
        for (const t of timers) {
          const dueAt = t.firstDue(startedAt);
          if (dueAt !== null)
            arm.push({
              member: this.member({
                runId: c.runId,
                nodeId: c.nodeId,
                version: c.version,
                index: t.index,
              }),
              dueAt,
            });
        }
      }
    }
    if (disarm.length) await this.forget(disarm);
    if (arm.length) {
      await this.pool.add(this.options.pool, arm);
      this.wake(Math.min(...arm.map((e) => e.dueAt)));
      this.logger.debug(`${this.kind.name}: armed ${arm.map((e) => e.member).join(', ')}`);
    }
  }

  // ------------------------------------------------------------------ scan

  /**
   * One scan pass: put back entries whose dispatch failed, rebuild a lost pool, drop expired
   * fired records, take and dispatch everything due. Answers how long to sleep (ms): until
   * the next due time, at most the scan interval.
   */
  async scanOnce(): Promise<number> {
    this.wakeAt = Infinity;
    if (this.pending.length) {
      const back = this.pending.splice(0);
      try {
        await this.pool.add(this.options.pool, back);
      } catch (e) {
        this.pending.unshift(...back);
        throw e;
      }
    }
    if ((await this.pool.size(this.markerPool)) === 0) {
      await this.rebuild('the pool was lost: Redis flushed or restarted?');
    }
    await this.purgeFiredRecords();
    for (;;) {
      const batch = await this.pool.takeDue(this.options.pool, Date.now(), this.batchSize);
      if (batch.length === 0) break;
      await this.dispatch(batch);
      if (batch.length < this.batchSize) break;
    }
    const next = await this.pool.nextDueAt(this.options.pool);
    const interval = this.options.scanIntervalMs;
    return next === null ? interval : Math.min(interval, Math.max(0, next - Date.now()));
  }

  /**
   * Re-arms the timers of every RUNNING node of an unfinished run that the pool lacks: its
   * first due time, or, when it already fired, its next one (none for a one-shot). Entries
   * in the pool are left as they are. Runs at scanner start and when the pool was lost;
   * answers how many entries it added. Never two at once in a process.
   */
  rebuild(reason: string): Promise<number> {
    this.rebuilding ??= this.doRebuild(reason).finally(() => (this.rebuilding = null));
    return this.rebuilding;
  }

  private async doRebuild(reason: string): Promise<number> {
    const started = Date.now();
    // The marker first: a pool lost while rebuilding is noticed (and rebuilt) next pass.
    await this.pool.add(this.markerPool, [{ member: MARKER, dueAt: started }]);
    try {
      const armed = new Set((await this.pool.entries(this.options.pool)).map((e) => e.member));
      const fired = new Map(
        (await this.pool.entries(this.firedPool)).map((e) => [e.member, e.dueAt]),
      );
      let read = 0;
      let added = 0;
      // Every RUNNING node, a page at a time in key order; each page is armed before the next
      // is read, so only one page of nodes is ever held.
      for (let after: NodeKey | null = null; ; ) {
        const nodes = await this.engine.store.pageLiveNodes(['RUNNING'], after, this.rebuildPageSize);
        read += nodes.length;
        const add: PoolEntry[] = [];
        for (const n of nodes) {
          const timers = await this.timersOf(n.runId, n.nodeId);
          const startedAt = n.startedAt ? n.startedAt.getTime() : started;
          for (const t of timers) {
            const member = this.member({
              runId: n.runId,
              nodeId: n.nodeId,
              version: n.version,
              index: t.index,
            });
            if (armed.has(member)) continue;
            const firedAt = fired.get(member);
            const dueAt =
              firedAt === undefined
                ? t.firstDue(startedAt)
                : t.nextDue(firedAt, t.occurrence(firedAt, startedAt));
            if (dueAt !== null) add.push({ member, dueAt });
          }
        }
        for (let i = 0; i < add.length; i += this.batchSize)
          await this.pool.add(this.options.pool, add.slice(i, i + this.batchSize));
        added += add.length;
        if (nodes.length < this.rebuildPageSize) break;
        const last = nodes[nodes.length - 1];
        after = { runId: last.runId, nodeId: last.nodeId };
      }
      this.logger.log(
        `${this.kind.name}: pool '${this.options.pool}' rebuilt (${reason}): ${added} timer(s) re-armed from ${read} RUNNING node(s) in ${Date.now() - started} ms`,
      );
      return added;
    } catch (e) {
      // Let the next pass try again.
      await this.pool.remove(this.markerPool, [MARKER]).catch(() => undefined);
      throw e;
    }
  }

  /** Shortens the scan loop's sleep when a timer due earlier was armed in this process. */
  wake(dueAt: number): void {
    if (!this.options.parts.scan) return;
    this.wakeAt = Math.min(this.wakeAt, dueAt);
    if (this.sleeper && dueAt < this.sleeper.until) this.sleeper.wake();
  }

  private async loop(): Promise<void> {
    try {
      await this.rebuild('start');
    } catch (e) {
      this.logger.error(
        `${this.kind.name}: rebuilding pool '${this.options.pool}' failed, retrying next pass: ${(e as Error)?.message ?? e}`,
      );
    }
    while (!this.stopping) {
      let sleepMs = this.options.scanIntervalMs;
      try {
        sleepMs = await this.scanOnce();
      } catch (e) {
        this.logger.error(
          `${this.kind.name}: scan of pool '${this.options.pool}' failed: ${(e as Error)?.message ?? e}`,
        );
      }
      if (this.stopping) break;
      await this.sleep(Math.min(sleepMs, this.wakeAt - Date.now()));
    }
  }

  private sleep(ms: number): Promise<void> {
    if (!(ms > 0)) return Promise.resolve();
    const registry = this.options.timeouts;
    const name = `${this.kind.name}:${this.options.pool}:scan`;
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        if (registry?.doesExist('timeout', name)) registry.deleteTimeout(name);
        this.sleeper = null;
        resolve();
      };
      // setTimeout may fire a fraction of a ms early; a due entry is then taken on the next short pass.
      const timer = setTimeout(wake, Math.ceil(ms));
      registry?.addTimeout(name, timer);
      this.sleeper = { until: Date.now() + ms, wake };
    });
  }

  private async dispatch(batch: PoolEntry[]): Promise<void> {
    try {
      await this.queue.add(this.options.dispatchQueue, [
        { id: `dispatch:${batch[0].member}@${batch[0].dueAt}`, entries: batch },
      ]);
    } catch (e) {
      this.pending.push(...batch);
      throw e;
    }
  }

  private async purgeFiredRecords(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = now;
    for (;;) {
      const purged = await this.pool.takeDue(this.firedPool, now - this.firedTtlMs, this.batchSize);
      if (purged.length < this.batchSize) break;
    }
  }

  // ------------------------------------------------------------------ handle

  /** Dispatch queue → handle queue: one job per entry, so entries are handled in parallel and retried alone. */
  private async fanOut(entries: PoolEntry[]): Promise<void> {
    await this.queue.add(
      this.options.handleQueue,
      entries.map((e) => ({ id: `${e.member}@${e.dueAt}`, entries: [e] })),
    );
  }

  /**
   * Fires one due entry if its node is still RUNNING at the entry's version in an unfinished
   * run, then arms the next firing of a cycle. Public for the benchmark and tests.
   */
  async handle(entry: PoolEntry): Promise<void> {
    const ref = decodeNodeTimerMember(this.kind.memberPrefix, entry.member);
    if (!ref) {
      this.logger.warn(
        `${this.kind.name}: pool entry '${entry.member}' is not a timer of this kind; dropped`,
      );
      return;
    }
    const where = `${this.kind.name}: run ${ref.runId} node ${ref.nodeId} v${ref.version} timer ${ref.index}`;
    const loaded = await this.engine.store.loadNodeWithRun(ref.runId, ref.nodeId);
    const node = loaded?.node;
    if (
      !loaded ||
      FINAL_RUN_STATES.has(loaded.run.state) ||
      !node ||
      !runningAt(node, ref.version)
    ) {
      this.logger.debug(`${where}: the node is no longer RUNNING at that version; dropped`);
      return;
    }
    const timer = (await this.timersOf(ref.runId, ref.nodeId)).find((t) => t.index === ref.index);
    if (!timer) {
      this.logger.warn(`${where}: the run's tree has no such timer; dropped`);
      return;
    }
    const startedAt = node.startedAt ? node.startedAt.getTime() : entry.dueAt;
    const firedCount = timer.occurrence(entry.dueAt, startedAt);
    this.options.onFiring?.(Date.now() - entry.dueAt);
    this.logger.log(
      `${where}: firing #${firedCount} due at ${new Date(entry.dueAt).toISOString()} (${Math.max(0, Date.now() - entry.dueAt).toFixed(0)} ms later)`,
    );
    const out = await this.kind.fire({
      runId: ref.runId,
      nodeId: ref.nodeId,
      version: ref.version,
      timer,
      dueAt: entry.dueAt,
      firedCount,
      node,
    });
    if (out && out.rearmAt !== undefined) {
      await this.rearm(ref, entry, out.rearmAt);
      return;
    }
    await this.afterFiring(ref, entry, timer, firedCount);
  }

  /**
   * The kind found the timer early (see `NodeTimerFireResult`): while the node stays RUNNING
   * at the version, arm it again for `dueAt`, not recorded as fired (a rebuild arms it from its
   * first due time again, and the kind answers the same).
   */
  private async rearm(ref: NodeTimerRef, entry: PoolEntry, dueAt: number): Promise<void> {
    if (!(await this.stillRunning(ref))) return;
    await this.pool.add(this.options.pool, [{ member: entry.member, dueAt }]);
    this.wake(dueAt);
    this.logger.debug(`${this.kind.name}: ${entry.member} re-armed for ${new Date(dueAt).toISOString()}`);
    if (!(await this.stillRunning(ref))) await this.forget([entry.member]);
  }

  /**
   * While the node stays RUNNING at the version: remember the firing and arm the next one of a
   * cycle. Checked again after writing, because the node may have left meanwhile, after the
   * upkeep of that change already ran: then the entries are taken out again.
   */
  private async afterFiring(
    ref: NodeTimerRef,
    entry: PoolEntry,
    timer: S,
    firedCount: number,
  ): Promise<void> {
    if (!(await this.stillRunning(ref))) return;
    const next = timer.nextDue(entry.dueAt, firedCount);
    await this.pool.add(this.firedPool, [{ member: entry.member, dueAt: entry.dueAt }]);
    if (next !== null) {
      await this.pool.add(this.options.pool, [{ member: entry.member, dueAt: next }]);
      this.wake(next);
    }
    if (!(await this.stillRunning(ref))) await this.forget([entry.member]);
  }

  private async stillRunning(ref: NodeTimerRef): Promise<boolean> {
    const loaded = await this.engine.store.loadNodeWithRun(ref.runId, ref.nodeId);
    return (
      !!loaded?.node &&
      !FINAL_RUN_STATES.has(loaded.run.state) &&
      runningAt(loaded.node, ref.version)
    );
  }

  // ------------------------------------------------------------------ helpers

  private async forget(members: string[]): Promise<void> {
    await this.pool.remove(this.options.pool, members);
    await this.pool.remove(this.firedPool, members);
  }

  private member(ref: NodeTimerRef): string {
    return encodeNodeTimerMember(this.kind.memberPrefix, ref);
  }

  private async timersOf(runId: string, nodeId: string): Promise<readonly S[]> {
    const compiled = await this.engine.trees.compiledTree(runId);
    if (!compiled) return [];
    let registration = this.registrations.get(compiled);
    if (!registration) {
      registration = this.kind.register(runId, compiled.tree);
      this.registrations.set(compiled, registration);
    }
    return registration.get(nodeId) ?? [];
  }
}

function runningAt(node: NodeRecord, version: number): boolean {
  return node.state === 'RUNNING' && node.version === version;
}

import type { Decision, EngineEvent, HistoryWrite, NodeWrite, ProcessWrite } from './decision';
import { emptyDecision } from './decision';
import { EngineInvariantError } from './engine-invariant.error';
import { transit, type NodeEvent } from './node-machine';
import type { NodeRecord, ProcessRecord, RunRecord } from './run-state';

/** What a decision builds on: the run and the node rows as the runtime loaded them. */
export interface DecisionBase {
  run: RunRecord;
  nodes: ReadonlyMap<string, NodeRecord>;
}

/**
 * Helps build a decision: remembers the records it changed so later writes build on them,
 * and derives every compare-and-set guard from the rows as loaded.
 */
export class DecisionBuilder {
  readonly d: Decision = emptyDecision();
  private readonly procs = new Map<string, ProcessWrite>();
  private readonly nodeWrites = new Map<string, NodeWrite>();

  constructor(private readonly base: DecisionBase) {}

  process(p: ProcessRecord, patch: Partial<ProcessRecord>): ProcessRecord {
    const prev = this.procs.get(p.id);
    if (prev) {
      Object.assign(prev.record, patch);
      return prev.record;
    }
    const record = { ...p, ...patch, rev: p.rev + 1 };
    const w = { expectRev: p.rev, record };
    this.procs.set(p.id, w);
    this.d.processes.push(w);
    return record;
  }

  newProcess(p: Omit<ProcessRecord, 'rev'>): ProcessRecord {
    const record = { ...p, rev: 0 };
    const w = { expectRev: null, record };
    this.procs.set(p.id, w);
    this.d.processes.push(w);
    return record;
  }

  /** Write a node row; the CAS guard is the row as the runtime loaded it (null: new row). */
  node(record: NodeRecord): NodeRecord {
    // Only a running activity waits for anything.
    if (record.state !== 'RUNNING' && record.awaiting !== null) record = { ...record, awaiting: null };
    const existing = this.nodeWrites.get(record.nodeId);
    if (existing) {
      const prevRev = this.base.nodes.get(record.nodeId);
      if (prevRev && record.version === prevRev.version) record = { ...record, callbackSeq: prevRev.callbackSeq + 1 };
      existing.record = record;
      return record;
    }
    const prev = this.base.nodes.get(record.nodeId);
    // Every write of a row within one life bumps its revision, so a writer that read an older
    // copy (an operation racing a component's progress) loses its compare-and-set.
    if (prev && record.version === prev.version) record = { ...record, callbackSeq: prev.callbackSeq + 1 };
    const w: NodeWrite = {
      expect: prev ? { state: prev.state, version: prev.version, callbackSeq: prev.callbackSeq } : null,
      record,
    };
    this.nodeWrites.set(record.nodeId, w);
    this.d.nodes.push(w);
    return record;
  }

  /** A node row as this decision leaves it so far (written here, else as loaded). */
  current(nodeId: string): NodeRecord | undefined {
    return this.nodeWrites.get(nodeId)?.record ?? this.base.nodes.get(nodeId);
  }

  /** Log an event (DESIGN §6), with the seed's data keys: `root_pipeline_id`, `node_id`, ... */
  event(type: string, nodeId: string | null, data: Record<string, unknown> = {}): void {
    const e: EngineEvent = {
      type,
      nodeId,
      data: { root_pipeline_id: this.base.run.id, ...(nodeId ? { node_id: nodeId } : {}), ...data },
    };
    this.d.events.push(e);
  }

  history(kind: HistoryWrite['kind'], record: NodeRecord): void {
    this.d.histories.push({ kind, record });
  }

  advance(p: ProcessRecord): void {
    this.d.effects.push({ type: 'advance', processId: p.id, rev: p.rev });
  }
}

/** `transit`, or an invariant error: the core never writes a transition the table forbids. */
export function mustTransit(node: NodeRecord | undefined, event: NodeEvent, nodeId: string) {
  const t = transit(node?.state, event);
  if (!t.ok) throw new EngineInvariantError(`node '${nodeId}': ${t.reason}`, { nodeId, event });
  return t;
}

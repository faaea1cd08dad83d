import type { NodeRecord, ProcessRecord } from '../engine/run-state';
import { NodeHistoryEntity } from './entities/node-history.entity';
import { NodeStateEntity } from './entities/node-state.entity';
import { RunProcessEntity } from './entities/run-process.entity';

/** Entity ↔ engine record mapping, kept in one place. */
export const RunRecordMapper = {
  nodeFromEntity(e: NodeStateEntity): NodeRecord {
    return {
      runId: e.runId,
      nodeId: e.nodeId,
      scopeId: e.scopeId,
      processId: e.processId,
      state: e.state,
      version: e.version,
      loop: e.loop,
      retries: e.retries,
      skip: !!e.skip,
      errorIgnored: !!e.errorIgnored,
      scheduleTimes: e.scheduleTimes,
      awaiting: e.awaiting ?? null,
      callbacks: e.callbacks ?? [],
      callbackSeq: e.callbackSeq ?? 0,
      inputs: e.inputs ?? null,
      outputs: e.outputs ?? null,
      exData: e.exData ?? null,
      startedAt: e.startedAt ?? null,
      finishedAt: e.finishedAt ?? null,
    };
  },

  nodeToEntity(r: NodeRecord, updatedAt: Date): NodeStateEntity {
    return Object.assign(new NodeStateEntity(), r, { callbacks: r.callbacks.length ? r.callbacks : null, updatedAt });
  },

  historyToEntity(kind: string, r: NodeRecord, createdAt: Date): NodeHistoryEntity {
    return Object.assign(new NodeHistoryEntity(), {
      runId: r.runId,
      nodeId: r.nodeId,
      kind,
      version: r.version,
      loop: r.loop,
      retries: r.retries,
      state: r.state,
      inputs: r.inputs,
      outputs: r.outputs,
      exData: r.exData ?? null,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      createdAt,
    });
  },

  processFromEntity(e: RunProcessEntity): ProcessRecord {
    return {
      id: e.id,
      runId: e.runId,
      parentId: e.parentId ?? null,
      scopeId: e.scopeId,
      currentNodeId: e.currentNodeId,
      destinationId: e.destinationId ?? null,
      state: e.state,
      pendingChildren: e.pendingChildren,
      rev: e.rev,
    };
  },

  processToEntity(r: ProcessRecord, updatedAt: Date): RunProcessEntity {
    return Object.assign(new RunProcessEntity(), { ...r, updatedAt });
  },
};

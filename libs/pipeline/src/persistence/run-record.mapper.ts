import type { NodeRecord, ProcessRecord } from '../engine/run-state';
import { NodeStateEntity } from './entities/node-state.entity';
import { RunProcessEntity } from './entities/run-process.entity';

/** Entity → engine record mapping for the ORM read paths (the hot path maps rows in `run-sql.ts`). */
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
      skipReason: (e.skipReason as NodeRecord['skipReason']) ?? null,
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
      pickedUpAt: e.pickedUpAt ?? null,
    };
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
};

import type { DataSource } from 'typeorm';
import type { ContractDefinition } from '../ports/run-store.contract.spec-helper';
import { PipelineDefinitionEntity } from './pipeline-definition.entity';

/** `ContractStore.define` for the TypeORM adapters: a definition row with those admission settings. */
export function defineOn(ds: DataSource) {
  return async (def: ContractDefinition): Promise<void> => {
    const now = new Date();
    await ds.getRepository(PipelineDefinitionEntity).save({
      id: def.id,
      key: `contract-${def.id}`,
      name: 'contract',
      latestVersion: 1,
      enabled: true,
      maxConcurrentRuns: def.maxConcurrentRuns,
      queueMode: def.queueMode,
      uniqueBusinessKey: def.uniqueBusinessKey,
      timeoutSeconds: null,
      createdAt: now,
      updatedAt: now,
    });
  };
}

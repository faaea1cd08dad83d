import { Injectable, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import type { ComponentRegistry } from '../components/component-registry.service';
import { ConflictError } from '../errors/conflict.error';
import type { NodeCheck } from '../model/validation.types';
import { buildDataSourceOptions } from '../persistence/database-options';
import { PipelineDefinitionService } from './pipeline-definition.service';
import { TreeCheckRegistry } from './tree-check-registry.service';
import { PipelineTreeChecks, TreeCheckProvider } from './tree-checks';

/** Refuses activities whose name is `forbidden`, the way a contrib lib checks its own keys. */
const noForbiddenNames: NodeCheck = (node, path) =>
  node.name === 'forbidden'
    ? [
        {
          code: 'INVALID_TIMER',
          nodeId: node.id,
          path: `${path}.name`,
          message: `node '${node.id}' is forbidden`,
        },
      ]
    : [];

@Injectable()
@PipelineTreeChecks({ name: 'test' })
class ForbiddenNameChecks extends TreeCheckProvider {
  nodeChecks(): readonly NodeCheck[] {
    return [noForbiddenNames];
  }
}

@Module({ providers: [ForbiddenNameChecks] })
class ContribModule {}

function tree(name = 'a1'): Record<string, unknown> {
  return {
    id: 'p',
    start_event: { id: 's', type: 'EmptyStartEvent', name: 's', incoming: '', outgoing: 'f1' },
    end_event: { id: 'e', type: 'EmptyEndEvent', name: 'e', incoming: ['f2'], outgoing: '' },
    activities: {
      a1: {
        id: 'a1',
        type: 'ServiceActivity',
        name,
        incoming: ['f1'],
        outgoing: 'f2',
        component: { code: 'noop', inputs: {} },
      },
    },
    gateways: {},
    flows: {
      f1: { id: 'f1', source: 's', target: 'a1', is_default: false },
      f2: { id: 'f2', source: 'a1', target: 'e', is_default: false },
    },
    data: { inputs: {}, outputs: [] },
  };
}

describe('TreeCheckRegistry and the validation extension point', () => {
  let registry: TreeCheckRegistry;
  let ds: DataSource;
  let service: PipelineDefinitionService;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [DiscoveryModule, ContribModule, ContribModule],
      providers: [TreeCheckRegistry],
    }).compile();
    moduleRef.useLogger(false);
    await moduleRef.init();
    registry = moduleRef.get(TreeCheckRegistry);
    ds = new DataSource(buildDataSourceOptions({ databaseUrl: 'sqlite::memory:' }));
    await ds.initialize();
    const components = { has: (code: string) => code === 'noop' } as unknown as ComponentRegistry;
    service = new PipelineDefinitionService(ds, components, registry);
  });
  afterAll(async () => ds?.destroy());

  it('discovers the providers of every module, each class once', () => {
    expect(registry.nodeChecks()).toEqual([noForbiddenNames]);
  });

  it('runs the contributed checks in every validation of the definitions service', async () => {
    expect(service.validate({ definition: tree() })).toEqual({ valid: true, errors: [] });
    expect(service.validate({ definition: tree('forbidden') }).errors).toEqual([
      {
        code: 'INVALID_TIMER',
        nodeId: 'a1',
        path: 'activities.a1.name',
        message: "node 'a1' is forbidden",
      },
    ]);
    await expect(
      service.create({ name: 'x', definition: tree('forbidden') }),
    ).rejects.toMatchObject({ code: 'INVALID_TREE' });
  });

  it('validates without extra checks when no registry is given', () => {
    const plain = new PipelineDefinitionService(ds, {
      has: () => true,
    } as unknown as ComponentRegistry);
    expect(plain.validate({ definition: tree('forbidden') }).valid).toBe(true);
  });

  it('stores a new version only while the latest is still baseVersion (read-modify-write)', async () => {
    const created = await service.create({ name: 'base', definition: tree() });
    const v2 = await service.update(created.id, { definition: tree('b'), baseVersion: 1 });
    expect(v2.version).toBe(2);
    const stale = service.update(created.id, { definition: tree('c'), baseVersion: 1 });
    await expect(stale).rejects.toBeInstanceOf(ConflictError);
    await expect(stale).rejects.toMatchObject({
      code: 'VERSION_MOVED',
      context: { latestVersion: 2, baseVersion: 1 },
    });
    expect((await service.get(created.id)).version).toBe(2);
  });
});

import type { DataSource } from 'typeorm';
import type { ComponentRegistry } from '../components/component-registry.service';
import { BadRequestError } from '../errors/bad-request.error';
import { ConflictError } from '../errors/conflict.error';
import { InvalidTreeError } from '../errors/invalid-tree.error';
import { NotFoundError } from '../errors/not-found.error';
import { PipelineDefinitionEntity } from '../persistence/pipeline-definition.entity';
import { PipelineVersionEntity } from '../persistence/pipeline-version.entity';
import { PipelineDefinitionService } from './pipeline-definition.service';

/** start → a1 (component `code`) → end. */
function tree(id = 'p', code = 'noop'): Record<string, unknown> {
  return {
    id,
    start_event: {
      id: 'start',
      type: 'EmptyStartEvent',
      name: 'start',
      incoming: '',
      outgoing: 'f1',
    },
    end_event: { id: 'end', type: 'EmptyEndEvent', name: 'end', incoming: ['f2'], outgoing: '' },
    activities: {
      a1: {
        id: 'a1',
        type: 'ServiceActivity',
        name: 'a1',
        incoming: ['f1'],
        outgoing: 'f2',
        component: { code, inputs: {} },
      },
    },
    gateways: {},
    flows: {
      f1: { id: 'f1', source: 'start', target: 'a1', is_default: false },
      f2: { id: 'f2', source: 'a1', target: 'end', is_default: false },
    },
    data: { inputs: {}, outputs: [] },
  };
}

/**
 * The PipelineDefinitionService suite, run against every database the engine supports: SQLite
 * here (`pipeline-definition.service.spec.ts`) and MySQL (`*.mysql.spec.ts`). `open` gives a
 * migrated, empty DataSource and its `close`; tables are emptied between tests.
 */
export function definitionServiceSuite(
  name: string,
  open: () => Promise<{ ds: DataSource; close: () => Promise<void> }>,
): void {
  describe(`PipelineDefinitionService on ${name}`, () => {
    let ds: DataSource;
    let close: () => Promise<void>;
    let service: PipelineDefinitionService;
    const registry = {
      has: (code: string) => ['noop', 'echo', 'fail'].includes(code),
    } as unknown as ComponentRegistry;

    beforeAll(async () => {
      ({ ds, close } = await open());
      service = new PipelineDefinitionService(ds, registry);
    });
    afterAll(async () => close?.());
    beforeEach(async () => {
      await ds.createQueryBuilder().delete().from(PipelineVersionEntity).execute();
      await ds.createQueryBuilder().delete().from(PipelineDefinitionEntity).execute();
    });

    it('creates version 1 and reads it back by id and key', async () => {
      const created = await service.create({ name: 'Order Flow', definition: tree() });
      expect(created).toMatchObject({
        key: 'order-flow',
        version: 1,
        latestVersion: 1,
        enabled: true,
        queueMode: 'fifo',
        format: 'tree',
      });
      expect(await service.get(created.id)).toEqual(created);
      expect(await service.get('order-flow')).toEqual(created);
    });

    it('refuses an invalid tree with every problem and stores nothing', async () => {
      const err = await service
        .create({ name: 'Bad', definition: tree('p', 'nope') })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidTreeError);
      expect((err as InvalidTreeError).details).toContainEqual(
        expect.objectContaining({ code: 'UNKNOWN_COMPONENT', nodeId: 'a1' }),
      );
      expect((await service.list()).total).toBe(0);
    });

    it('answers validation without throwing for a bad tree', () => {
      expect(service.validate({ definition: tree() })).toEqual({ valid: true, errors: [] });
      const answer = service.validate({ definition: tree('p', 'nope') });
      expect(answer.valid).toBe(false);
      expect(answer.errors.length).toBeGreaterThan(0);
      expect(service.validate({ definition: 'nonsense' }).valid).toBe(false);
    });

    it('builds orderlines processes into the internal tree, with their settings', async () => {
      const process = {
        process_info: { process_name: 'p', process_config: { timeout: 30 } },
        process_node: [
          { task_id: 1, task_type: 'start', next_id: 2 },
          { task_id: 2, task_type: 'common', method_name: 'noop', task_module: 'Missing', next_id: 3 },
          { task_id: 3, task_type: 'end', next_id: null },
        ],
      };
      expect(service.validate({ format: 'orderlines', definition: process })).toEqual({ valid: true, errors: [] });
      const { tree: internal, settings } = service.analyse('orderlines', process);
      expect(internal.activities['2']).toMatchObject({ type: 'ServiceActivity', component: { code: 'noop' } });
      expect(settings).toEqual({ timeoutSeconds: 30 });
      const created = await service.create({ name: 'Orderlines', format: 'orderlines', definition: process });
      expect(created).toMatchObject({ format: 'orderlines', definition: process });
      const bad = service.validate({ format: 'orderlines', definition: { process_node: [{ task_id: 1, task_type: 'start', next_id: 9 }] } });
      expect(bad.errors).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'UNKNOWN_TASK', nodeId: '1', path: 'process_node[0].next_id' })]));
    });

    it('refuses formats it does not know', () => {
      for (const format of ['bpmn', 'xml']) {
        const err = (() => {
          try {
            service.validate({ format, definition: tree() });
          } catch (e) {
            return e;
          }
        })();
        expect(err).toBeInstanceOf(BadRequestError);
        expect((err as BadRequestError).code).toBe('UNSUPPORTED_FORMAT');
      }
    });

    it('suffixes taken derived keys and refuses taken given keys', async () => {
      await service.create({ name: 'Same', definition: tree() });
      expect((await service.create({ name: 'same', definition: tree() })).key).toBe('same-2');
      expect((await service.create({ name: 'SAME!', definition: tree() })).key).toBe('same-3');
      const err = await service
        .create({ name: 'x', key: 'same-2', definition: tree() })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConflictError);
      expect((err as ConflictError).code).toBe('DUPLICATE_KEY');
    });

    it('allocates distinct keys for concurrent creates of the same name', async () => {
      const created = await Promise.all(
        Array.from({ length: 5 }, () => service.create({ name: 'Race', definition: tree() })),
      );
      expect(new Set(created.map((c) => c.key)).size).toBe(5);
    });

    it('validates keys, names and settings', async () => {
      const codeOf = (p: Promise<unknown>) =>
        p.then(
          () => 'ok',
          (e: { code?: string }) => e.code,
        );
      expect(
        await codeOf(service.create({ name: 'x', key: 'Has Space', definition: tree() })),
      ).toBe('INVALID_KEY');
      expect(
        await codeOf(
          service.create({
            name: 'x',
            key: '0b6f3c4e-6a47-4c1d-9a59-5d3f0b3e1c2a',
            definition: tree(),
          }),
        ),
      ).toBe('INVALID_KEY');
      expect(await codeOf(service.create({ name: '   ', definition: tree() }))).toBe(
        'INVALID_NAME',
      );
      expect(
        await codeOf(service.create({ name: 'x', maxConcurrentRuns: 0, definition: tree() })),
      ).toBe('INVALID_SETTINGS');
      expect(
        await codeOf(
          service.create({ name: 'x', queueMode: 'random' as never, definition: tree() }),
        ),
      ).toBe('INVALID_SETTINGS');
    });

    it('stores each update as the next version and keeps the old ones', async () => {
      const { id } = await service.create({ name: 'V', definition: tree('v1') });
      const v2 = await service.update(id, { definition: tree('v2'), name: 'V two' });
      expect(v2).toMatchObject({
        version: 2,
        latestVersion: 2,
        name: 'V two',
        definition: { id: 'v2' },
      });
      expect((await service.get(id, 1)).definition).toMatchObject({ id: 'v1' });
      expect(await service.getVersion(id)).toMatchObject({
        pipelineId: id,
        version: 2,
        enabled: true,
        definition: { id: 'v2' },
      });
      expect(await service.getVersion('v', 1)).toMatchObject({
        pipelineId: id,
        version: 1,
        definition: { id: 'v1' },
      });
      await expect(service.update(id, { definition: tree('v3', 'nope') })).rejects.toBeInstanceOf(
        InvalidTreeError,
      );
      expect((await service.get(id)).latestVersion).toBe(2);
    });

    it('answers what a run needs: the chosen version analysed, the current switch every time', async () => {
      const { id } = await service.create({ name: 'R', definition: tree('r1') });
      await service.update(id, { definition: tree('r2') });
      const latest = await service.forRun(id);
      expect(latest).toMatchObject({ pipelineId: id, version: 2, enabled: true, definition: { id: 'r2' } });
      expect(latest.converges).toEqual({});
      expect(await service.forRun('r', 1)).toMatchObject({ version: 1, definition: { id: 'r1' } });
      await service.patch(id, { enabled: false });
      expect(await service.forRun(id)).toMatchObject({ version: 2, enabled: false });
      await service.update(id, { definition: tree('r3') });
      expect(await service.forRun(id)).toMatchObject({ version: 3, definition: { id: 'r3' } });
      await expect(service.forRun(id, 9)).rejects.toBeInstanceOf(NotFoundError);
      await expect(service.forRun('missing')).rejects.toBeInstanceOf(NotFoundError);
    });

    it('numbers concurrent updates without gaps or duplicates', async () => {
      const { id } = await service.create({ name: 'C', definition: tree() });
      const versions = await Promise.all(
        Array.from({ length: 6 }, (_, i) => service.update(id, { definition: tree(`c${i}`) })),
      );
      expect(versions.map((v) => v.version).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7]);
    });

    it('patches settings without a new version', async () => {
      const { id } = await service.create({ name: 'P', definition: tree() });
      const patched = await service.patch(id, {
        enabled: false,
        maxConcurrentRuns: 2,
        queueMode: 'lifo',
      });
      expect(patched).toMatchObject({
        enabled: false,
        maxConcurrentRuns: 2,
        queueMode: 'lifo',
        latestVersion: 1,
      });
      expect(await service.getVersion(id)).toMatchObject({
        enabled: false,
        maxConcurrentRuns: 2,
        queueMode: 'lifo',
      });
      expect(await service.patch(id, { maxConcurrentRuns: null })).toMatchObject({
        maxConcurrentRuns: null,
        enabled: false,
      });
    });

    it('answers NotFoundError for unknown ids and versions', async () => {
      await expect(service.get('missing')).rejects.toBeInstanceOf(NotFoundError);
      const { id } = await service.create({ name: 'N', definition: tree() });
      await expect(service.get(id, 2)).rejects.toMatchObject({
        code: 'NOT_FOUND',
        context: { resource: 'version', latestVersion: 1 },
      });
      await expect(service.getVersion('missing')).rejects.toBeInstanceOf(NotFoundError);
      await expect(service.update('missing', { definition: tree() })).rejects.toBeInstanceOf(
        NotFoundError,
      );
      await expect(service.patch('missing', { enabled: false })).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });

    it('lists newest first, paged', async () => {
      for (const name of ['a', 'b', 'c']) {
        await service.create({ name, definition: tree() });
        await new Promise((r) => setTimeout(r, 2));
      }
      const page1 = await service.list({ page: 1, pageSize: 2 });
      expect(page1).toMatchObject({ total: 3, page: 1, pageSize: 2 });
      expect(page1.items.map((i) => i.key)).toEqual(['c', 'b']);
      expect((await service.list({ page: 2, pageSize: 2 })).items.map((i) => i.key)).toEqual(['a']);
      await expect(service.list({ page: 0 })).rejects.toMatchObject({ code: 'INVALID_PAGE' });
      await expect(service.list({ pageSize: 101 })).rejects.toMatchObject({ code: 'INVALID_PAGE' });
    });
  });
}

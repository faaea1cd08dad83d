import { ConflictError, InvalidComponentError } from '@app/pipeline';
import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { NodeTimeoutModule } from '../node-timeout.module';
import { DuplicateTimeoutStrategyError } from './duplicate-timeout-strategy.error';
import { ForcedFailAndSkipStrategy, ForcedFailStrategy } from './forced-fail.strategies';
import { InvalidTimeoutStrategyError } from './invalid-timeout-strategy.error';
import { NodeTimeoutStrategy, type TimedOutNode } from './node-timeout-strategy';
import { NodeTimeoutStrategyRegistry } from './node-timeout-strategy-registry.service';
import { NodeTimeoutTarget } from './node-timeout-target.port';
import { getTimeoutStrategyMetadata, TimeoutStrategy } from './timeout-strategy.decorator';
import { UnknownTimeoutStrategyError } from './unknown-timeout-strategy.error';

// A custom strategy, as a user adds one: a provider of any module; trees then use
// `timeout_config: {enable: true, action: 'notify_owner', seconds: 600}`.
@Injectable()
class Pager {
  readonly pages: string[] = [];
}

@TimeoutStrategy({ name: 'notify_owner', description: 'Pages the owner, leaves the node running' })
class NotifyOwnerStrategy extends NodeTimeoutStrategy {
  constructor(private readonly pager: Pager) {
    super();
  }
  async dealWithTimeoutNode(node: TimedOutNode) {
    this.pager.pages.push(`${node.nodeId} ran over ${node.seconds} s`);
    return { result: true, message: '' };
  }
}

@Module({ providers: [Pager, NotifyOwnerStrategy] })
class UserStrategiesModule {}

const node: TimedOutNode = { runId: 'run-1', nodeId: 'a1', version: 2, seconds: 30, dueAt: 0 };

async function boot(imports: unknown[], providers: unknown[] = []) {
  const moduleRef = await Test.createTestingModule({
    imports: imports as never[],
    providers: providers as never[],
  }).compile();
  moduleRef.useLogger(false);
  await moduleRef.init();
  return moduleRef;
}

describe('NodeTimeoutStrategyRegistry', () => {
  it('discovers the built-ins and custom strategies from other modules', async () => {
    const moduleRef = await boot([NodeTimeoutModule.forRoot(), UserStrategiesModule]);
    const registry = moduleRef.get(NodeTimeoutStrategyRegistry);
    expect(registry.names()).toEqual(['forced_fail', 'forced_fail_and_skip', 'notify_owner']);
    expect(registry.get('forced_fail')).toBeInstanceOf(ForcedFailStrategy);
    expect(registry.get('forced_fail_and_skip')).toBeInstanceOf(ForcedFailAndSkipStrategy);
    expect(await registry.get('notify_owner').dealWithTimeoutNode(node)).toEqual({
      result: true,
      message: '',
    });
    expect(moduleRef.get(Pager).pages).toEqual(['a1 ran over 30 s']);
    expect(registry.has('bamboo_engine_forced_fail')).toBe(false);
    await moduleRef.close();
  });

  it('throws UnknownTimeoutStrategyError (UNKNOWN_ACTION) for an unknown name', async () => {
    const moduleRef = await boot([NodeTimeoutModule.forRoot()]);
    expect(() => moduleRef.get(NodeTimeoutStrategyRegistry).get('nope')).toThrow(
      UnknownTimeoutStrategyError,
    );
    expect(new UnknownTimeoutStrategyError('nope').code).toBe('UNKNOWN_ACTION');
    await moduleRef.close();
  });

  it('refuses to boot when two classes claim one name', async () => {
    @TimeoutStrategy('forced_fail')
    class MyForcedFail extends NodeTimeoutStrategy {
      async dealWithTimeoutNode() {
        return { result: true, message: '' };
      }
    }
    const attempt = boot([NodeTimeoutModule.forRoot()], [MyForcedFail]);
    await expect(attempt).rejects.toBeInstanceOf(DuplicateTimeoutStrategyError);
    await expect(attempt).rejects.toThrow(/Timeout strategy 'forced_fail' is declared twice/);
  });

  it('refuses a decorated class that does not extend NodeTimeoutStrategy, and an empty name', async () => {
    @TimeoutStrategy('plain')
    class Plain {}
    await expect(boot([NodeTimeoutModule.forRoot()], [Plain])).rejects.toBeInstanceOf(
      InvalidComponentError,
    );
    expect(() => TimeoutStrategy('')).toThrow(InvalidTimeoutStrategyError);
    expect(getTimeoutStrategyMetadata(NotifyOwnerStrategy)).toEqual({
      name: 'notify_owner',
      description: 'Pages the owner, leaves the node running',
    });
  });
});

describe('built-in timeout strategies', () => {
  class FakeTarget extends NodeTimeoutTarget {
    readonly calls: string[] = [];
    failWith?: () => boolean | void;
    async forcedFail(runId: string, nodeId: string, version: number, exData: string) {
      this.calls.push(`forcedFail ${runId} ${nodeId} v${version} "${exData}"`);
      return this.failWith?.();
    }
    async skip(runId: string, nodeId: string) {
      this.calls.push(`skip ${runId} ${nodeId}`);
    }
  }

  async function withTarget() {
    const target = new FakeTarget();
    @Module({
      providers: [{ provide: NodeTimeoutTarget, useValue: target }],
      exports: [NodeTimeoutTarget],
    })
    class TargetModule {}
    const base = NodeTimeoutModule.forRoot();
    const moduleRef = await boot([{ ...base, imports: [...(base.imports ?? []), TargetModule] }]);
    const registry = moduleRef.get(NodeTimeoutStrategyRegistry);
    return { target, registry, moduleRef };
  }

  it('forced_fail fails the node at its version with a timeout ex_data', async () => {
    const { target, registry, moduleRef } = await withTarget();
    expect(await registry.get('forced_fail').dealWithTimeoutNode(node)).toEqual({
      result: true,
      message: '',
    });
    expect(target.calls).toEqual([
      'forcedFail run-1 a1 v2 "forced fail by bamboo_engine: the node ran longer than its timeout of 30 s"',
    ]);
    await moduleRef.close();
  });

  it('forced_fail_and_skip fails, then skips so the run goes on', async () => {
    const { target, registry, moduleRef } = await withTarget();
    expect(await registry.get('forced_fail_and_skip').dealWithTimeoutNode(node)).toEqual({
      result: true,
      message: '',
    });
    expect(target.calls.map((c) => c.split(' ')[0])).toEqual(['forcedFail', 'skip']);
    await moduleRef.close();
  });

  it('answers result false, without skipping, when the node has moved on', async () => {
    const { target, registry, moduleRef } = await withTarget();
    target.failWith = () => {
      throw new ConflictError('node a1 is FINISHED');
    };
    expect(await registry.get('forced_fail_and_skip').dealWithTimeoutNode(node)).toEqual({
      result: false,
      message: 'forced fail was refused: node a1 is FINISHED',
    });
    target.failWith = () => false;
    expect(await registry.get('forced_fail').dealWithTimeoutNode(node)).toEqual({
      result: false,
      message: 'forced fail was not applicable',
    });
    expect(target.calls.some((c) => c.startsWith('skip'))).toBe(false);
    await moduleRef.close();
  });

  it('boots without a target, and says so when a timeout fires', async () => {
    const moduleRef = await boot([NodeTimeoutModule.forRoot()]);
    await expect(
      moduleRef.get(NodeTimeoutStrategyRegistry).get('forced_fail').dealWithTimeoutNode(node),
    ).rejects.toThrow(/no NodeTimeoutTarget is bound/);
    await moduleRef.close();
  });
});

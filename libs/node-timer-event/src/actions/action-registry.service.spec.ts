import {
  ComponentData,
  ConflictError,
  createParentData,
  InvalidComponentError,
  NotFoundError,
  type ParentData,
} from '@app/pipeline';
import { Injectable, Logger, Module, Scope } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { NodeTimerEventModule } from '../node-timer-event.module';
import { ActionRegistry } from './action-registry.service';
import { BaseAction, type TimerActionEvent } from './base-action';
import { DuplicateTimerActionError } from './duplicate-timer-action.error';
import { ForcedFailAction, ForcedFailAndSkipAction } from './forced-fail.actions';
import { InvalidTimerActionError } from './invalid-timer-action.error';
import { TimerActionTarget } from './timer-action-target.port';
import { getTimerEventActionMetadata, TimerEventAction } from './timer-event-action.decorator';
import { UnknownTimerActionError } from './unknown-timer-action.error';

// ---------------------------------------------------------------------------------------
// How a user adds an action (bamboo's `ExampleAction`): a Nest provider extending
// BaseAction, named by @TimerEventAction, declared in any module of the app. Trees then
// use it as `events.timer_events[].action: "example"`.

@Injectable()
class Notifier {
  readonly sent: string[] = [];
  send(text: string): void {
    this.sent.push(text);
  }
}

@TimerEventAction('example')
class ExampleAction extends BaseAction {
  private readonly logger = new Logger(ExampleAction.name);

  constructor(private readonly notifier: Notifier) {
    super();
  }

  do(data: ComponentData, parentData: ParentData, event: TimerActionEvent): boolean {
    this.logger.log(`example do: inputs ${JSON.stringify(data.inputs)}, run ${parentData.runId}`);
    this.notifier.send(
      `node ${event.nodeId} still running after ${event.defined} (firing ${event.firedCount})`,
    );
    return true;
  }
}

@Module({ providers: [Notifier, ExampleAction] })
class UserActionsModule {}
// ---------------------------------------------------------------------------------------

const event = (over: Partial<TimerActionEvent> = {}): TimerActionEvent => ({
  runId: 'run-1',
  nodeId: 'a1',
  version: 3,
  index: 1,
  timerType: 'time_cycle',
  defined: 'R3/PT10M',
  firedCount: 1,
  dueAt: Date.UTC(2030, 0, 1),
  ...over,
});

async function boot(imports: unknown[], providers: unknown[] = []) {
  const moduleRef = await Test.createTestingModule({
    imports: imports as never[],
    providers: providers as never[],
  }).compile();
  moduleRef.useLogger(false);
  await moduleRef.init();
  return moduleRef;
}

describe('ActionRegistry', () => {
  it('discovers the built-ins and user actions declared in other modules', async () => {
    const moduleRef = await boot([NodeTimerEventModule.forRoot(), UserActionsModule]);
    const registry = moduleRef.get(ActionRegistry);
    expect(registry.names()).toEqual([
      'bamboo_engine_forced_fail',
      'bamboo_engine_forced_fail_and_skip',
      'example',
    ]);
    expect(registry.has('example')).toBe(true);
    expect(registry.has('forced_fail')).toBe(false);
    expect(registry.get('bamboo_engine_forced_fail')).toBeInstanceOf(ForcedFailAction);

    const example = registry.get('example');
    expect(example).toBe(moduleRef.get(ExampleAction));
    const done = await example.do(
      new ComponentData({ x: 1 }),
      createParentData({ runId: 'run-1' }),
      event(),
    );
    expect(done).toBe(true);
    expect(moduleRef.get(Notifier).sent).toEqual([
      'node a1 still running after R3/PT10M (firing 1)',
    ]);
    await moduleRef.close();
  });

  it('throws UnknownTimerActionError (code UNKNOWN_ACTION) for an unknown name', async () => {
    const moduleRef = await boot([NodeTimerEventModule.forRoot()]);
    try {
      moduleRef.get(ActionRegistry).get('nope');
      throw new Error('expected a throw');
    } catch (error) {
      expect(error).toBeInstanceOf(UnknownTimerActionError);
      expect((error as UnknownTimerActionError).code).toBe('UNKNOWN_ACTION');
      expect((error as UnknownTimerActionError).kind).toBe('invalid');
    }
    await moduleRef.close();
  });

  it('refuses to boot when two classes claim one name', async () => {
    @TimerEventAction('example')
    class OtherExampleAction extends BaseAction {
      do(): boolean {
        return false;
      }
    }
    const attempt = boot([NodeTimerEventModule.forRoot(), UserActionsModule], [OtherExampleAction]);
    await expect(attempt).rejects.toBeInstanceOf(DuplicateTimerActionError);
    await expect(attempt).rejects.toThrow(
      /^Timer event action 'example' is declared twice: by (ExampleAction and by OtherExampleAction|OtherExampleAction and by ExampleAction)$/,
    );
  });

  it('refuses a built-in name taken by a user class', async () => {
    @TimerEventAction('bamboo_engine_forced_fail')
    class MyForcedFail extends BaseAction {
      do(): boolean {
        return true;
      }
    }
    await expect(boot([NodeTimerEventModule.forRoot()], [MyForcedFail])).rejects.toMatchObject({
      code: 'DUPLICATE_TIMER_ACTION',
    });
  });

  it('counts one class declared in two modules once', async () => {
    @Module({ providers: [Notifier, ExampleAction] })
    class AgainModule {}
    const moduleRef = await boot([NodeTimerEventModule.forRoot(), UserActionsModule, AgainModule]);
    expect(moduleRef.get(ActionRegistry).names()).toContain('example');
    await moduleRef.close();
  });

  it('refuses a decorated class that does not extend BaseAction, or is not a singleton', async () => {
    @TimerEventAction('plain')
    class NotAnAction {}
    await expect(boot([NodeTimerEventModule.forRoot()], [NotAnAction])).rejects.toThrow(
      /@TimerEventAction NotAnAction must extend BaseAction/,
    );

    @Injectable({ scope: Scope.TRANSIENT })
    @TimerEventAction('transient')
    class TransientAction extends BaseAction {
      do(): boolean {
        return true;
      }
    }
    await expect(boot([NodeTimerEventModule.forRoot()], [TransientAction])).rejects.toBeInstanceOf(
      InvalidComponentError,
    );
  });

  it('refuses an empty action name when the class is declared', () => {
    expect(() => TimerEventAction('  ')).toThrow(InvalidTimerActionError);
    expect(() => TimerEventAction({ name: '' })).toThrow(/non-empty string name/);
    expect(getTimerEventActionMetadata(ExampleAction)).toEqual({ name: 'example' });
  });
});

describe('built-in actions', () => {
  class FakeTarget extends TimerActionTarget {
    readonly calls: string[] = [];
    failWith?: () => boolean | void;
    skipWith?: () => boolean | void;
    async forcedFail(runId: string, nodeId: string, version: number, exData: string) {
      this.calls.push(`forcedFail ${runId} ${nodeId} v${version} "${exData}"`);
      return this.failWith?.();
    }
    async skip(runId: string, nodeId: string) {
      this.calls.push(`skip ${runId} ${nodeId}`);
      return this.skipWith?.();
    }
  }

  async function withTarget() {
    const target = new FakeTarget();
    @Module({
      providers: [{ provide: TimerActionTarget, useValue: target }],
      exports: [TimerActionTarget],
    })
    class TargetModule {}
    const base = NodeTimerEventModule.forRoot();
    const moduleRef = await boot([{ ...base, imports: [...(base.imports ?? []), TargetModule] }]);
    const registry = moduleRef.get(ActionRegistry);
    const run = (name: string) =>
      registry.get(name).do(new ComponentData({}), createParentData(), event());
    return { target, run, moduleRef };
  }

  it('bamboo_engine_forced_fail forces the node to fail at its version', async () => {
    const { target, run, moduleRef } = await withTarget();
    expect(await run('bamboo_engine_forced_fail')).toBe(true);
    expect(target.calls).toEqual(['forcedFail run-1 a1 v3 "forced fail by bamboo_engine"']);
    await moduleRef.close();
  });

  it('bamboo_engine_forced_fail_and_skip fails, then skips so the run goes on', async () => {
    const { target, run, moduleRef } = await withTarget();
    expect(await run('bamboo_engine_forced_fail_and_skip')).toBe(true);
    expect(target.calls).toEqual([
      'forcedFail run-1 a1 v3 "forced fail by bamboo_engine"',
      'skip run-1 a1',
    ]);
    await moduleRef.close();
  });

  it('does nothing more when the node has moved on (false, conflict or not found), without throwing', async () => {
    const { target, run, moduleRef } = await withTarget();
    target.failWith = () => false;
    expect(await run('bamboo_engine_forced_fail_and_skip')).toBe(false);
    target.failWith = () => {
      throw new ConflictError('node a1 is FINISHED');
    };
    expect(await run('bamboo_engine_forced_fail_and_skip')).toBe(false);
    expect(await run('bamboo_engine_forced_fail')).toBe(false);
    target.failWith = undefined;
    target.skipWith = () => {
      throw new NotFoundError('node', 'a1');
    };
    expect(await run('bamboo_engine_forced_fail_and_skip')).toBe(false);
    expect(target.calls.filter((c) => c.startsWith('skip'))).toHaveLength(1);
    await moduleRef.close();
  });

  it('lets a transient error through, to be retried', async () => {
    const { target, run, moduleRef } = await withTarget();
    target.failWith = () => {
      throw new Error('database down');
    };
    await expect(run('bamboo_engine_forced_fail')).rejects.toThrow('database down');
    await moduleRef.close();
  });

  it('boots without a target, and says so when a built-in fires', async () => {
    const moduleRef = await boot([NodeTimerEventModule.forRoot()]);
    const action = moduleRef.get(ActionRegistry).get('bamboo_engine_forced_fail_and_skip');
    expect(action).toBeInstanceOf(ForcedFailAndSkipAction);
    await expect(action.do(new ComponentData({}), createParentData(), event())).rejects.toThrow(
      /no TimerActionTarget is bound/,
    );
    await moduleRef.close();
  });
});

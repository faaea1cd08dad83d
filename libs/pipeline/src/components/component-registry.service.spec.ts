import { Injectable, Module, Scope } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ComponentRegistry } from './component-registry.service';
import { ComponentsModule } from './components.module';
import { DuplicateComponentError } from './duplicate-component.error';
import { InvalidComponentError } from './invalid-component.error';
import { PipelineComponent, getPipelineComponentMetadata } from './pipeline-component.decorator';
import { ComponentData, Service } from './service';
import { NoopComponent, SleepComponent, STANDARD_COMPONENTS } from './standard';
import { createParentData } from './testing';
import { UnknownComponentError } from './unknown-component.error';

@Injectable()
class Greeter {
  greet(name: unknown): string {
    return `hello ${String(name)}`;
  }
}

@PipelineComponent({ code: 'greet', version: '1.0', name: 'Greet', description: 'Says hello' })
class GreetV1Component extends Service {
  constructor(private readonly greeter: Greeter) {
    super();
  }
  execute(data: ComponentData): boolean {
    data.setOutput('greeting', this.greeter.greet(data.getInput('name')));
    return true;
  }
}

@PipelineComponent({ code: 'greet' })
class GreetLegacyComponent extends Service {
  execute(): boolean {
    return true;
  }
}

@Module({ providers: [Greeter, GreetV1Component, GreetLegacyComponent] })
class UserComponentsModule {}

async function boot(...imports: unknown[]) {
  const moduleRef = await Test.createTestingModule({ imports: imports as never[] }).compile();
  moduleRef.useLogger(false);
  await moduleRef.init();
  return moduleRef;
}

describe('ComponentRegistry', () => {
  it('discovers the standard components and user components declared in other modules', async () => {
    const moduleRef = await boot(ComponentsModule, UserComponentsModule);
    const registry = moduleRef.get(ComponentRegistry);

    expect(registry.get('noop')).toBeInstanceOf(NoopComponent);
    expect(registry.get('noop')).toBe(moduleRef.get(NoopComponent));
    const greet = registry.get('greet', '1.0');
    expect(greet).toBeInstanceOf(GreetV1Component);
    const data = new ComponentData({ name: 'ada' });
    expect(greet.execute(data, createParentData())).toBe(true);
    expect(data.outputs.greeting).toBe('hello ada');
    expect(registry.get('greet')).toBeInstanceOf(GreetLegacyComponent);

    const codes = registry.list().map((c) => `${c.code}@${c.version}`);
    expect(codes).toEqual([
      'Test.test_add@legacy',
      'Test.test_multi@legacy',
      'Test.test_subtraction@legacy',
      'digest@legacy',
      'echo@legacy',
      'external_task@legacy',
      'fail@legacy',
      'greet@1.0',
      'greet@legacy',
      'http_request@legacy',
      'multi_callback@legacy',
      'noop@legacy',
      'poll@legacy',
      'sleep@legacy',
      'wait_callback@legacy',
    ]);
    await moduleRef.close();
  });

  it('resolves a missing, null or empty version to legacy, with no fallback to other versions', async () => {
    const moduleRef = await boot(ComponentsModule, UserComponentsModule);
    const registry = moduleRef.get(ComponentRegistry);
    expect(registry.has('noop')).toBe(true);
    expect(registry.has('noop', null)).toBe(true);
    expect(registry.has('noop', '')).toBe(true);
    expect(registry.has('noop', 'legacy')).toBe(true);
    expect(registry.has('noop', '2.0')).toBe(false);
    expect(registry.has('greet', '1.0')).toBe(true);
    expect(registry.has('greet', '2.0')).toBe(false);
    expect(registry.has('nope')).toBe(false);
    await moduleRef.close();
  });

  it('throws UnknownComponentError for an unknown code or version', async () => {
    const moduleRef = await boot(ComponentsModule);
    const registry = moduleRef.get(ComponentRegistry);
    expect(() => registry.get('nope')).toThrow(UnknownComponentError);
    try {
      registry.get('noop', '9.9');
      throw new Error('expected a throw');
    } catch (error) {
      expect(error).toBeInstanceOf(UnknownComponentError);
      const e = error as UnknownComponentError;
      expect(e.code).toBe('UNKNOWN_COMPONENT');
      expect(e.kind).toBe('invalid');
      expect(e.context).toEqual({ code: 'noop', version: '9.9' });
      expect(e.message).toContain("'noop'");
    }
    await moduleRef.close();
  });

  it('lists catalogue info: names, schedule types, hooks and formats', async () => {
    const moduleRef = await boot(ComponentsModule, UserComponentsModule);
    const list = moduleRef.get(ComponentRegistry).list();
    const sleep = list.find((c) => c.code === 'sleep');
    expect(sleep).toMatchObject({
      version: 'legacy',
      name: 'Sleep',
      scheduleType: 'poll',
      needRunHook: false,
    });
    expect(sleep?.inputsFormat.map((f) => f.key)).toEqual(['seconds']);
    expect(list.find((c) => c.code === 'wait_callback')?.scheduleType).toBe('callback');
    expect(list.find((c) => c.code === 'noop')).not.toHaveProperty('scheduleType');
    expect(list.find((c) => c.code === 'greet' && c.version === '1.0')).toMatchObject({
      name: 'Greet',
      description: 'Says hello',
    });
    expect(list.find((c) => c.code === 'greet' && c.version === 'legacy')?.name).toBe('greet');
    await moduleRef.close();
  });

  it('treats the same class declared in two modules as one component', async () => {
    @Module({ providers: [Greeter, GreetLegacyComponent] })
    class AgainModule {}
    const moduleRef = await boot(ComponentsModule, UserComponentsModule, AgainModule);
    expect(moduleRef.get(ComponentRegistry).has('greet')).toBe(true);
    await moduleRef.close();
  });

  it('fails boot when two classes claim the same code and version', async () => {
    @PipelineComponent({ code: 'noop' })
    class MyNoop extends Service {
      execute(): boolean {
        return true;
      }
    }
    @Module({ providers: [MyNoop] })
    class ClashModule {}

    const moduleRef = await Test.createTestingModule({
      imports: [ComponentsModule, ClashModule],
    }).compile();
    moduleRef.useLogger(false);
    const boot = moduleRef.init();
    await expect(boot).rejects.toThrow(DuplicateComponentError);
    await expect(boot).rejects.toMatchObject({
      code: 'DUPLICATE_COMPONENT',
      context: { componentCode: 'noop', version: 'legacy' },
    });
    await expect(boot).rejects.toThrow(/NoopComponent.*MyNoop|MyNoop.*NoopComponent/);
  });

  it('fails boot when a decorated class does not extend Service', async () => {
    @PipelineComponent({ code: 'not_a_service' })
    class NotAService {
      execute(): boolean {
        return true;
      }
    }
    @Module({ providers: [NotAService] })
    class BadModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [ComponentsModule, BadModule],
    }).compile();
    moduleRef.useLogger(false);
    await expect(moduleRef.init()).rejects.toThrow(InvalidComponentError);
    await expect(moduleRef.init()).rejects.toThrow(/NotAService must extend Service/);
  });

  it('fails boot when a component is request-scoped', async () => {
    @PipelineComponent({ code: 'scoped' })
    @Injectable({ scope: Scope.REQUEST })
    class ScopedComponent extends Service {
      execute(): boolean {
        return true;
      }
    }
    @Module({ providers: [ScopedComponent] })
    class ScopedModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [ComponentsModule, ScopedModule],
    }).compile();
    moduleRef.useLogger(false);
    await expect(moduleRef.init()).rejects.toThrow(/ScopedComponent must be a singleton/);
  });

  it('is usable before its own onModuleInit ran (lazy discovery)', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ComponentsModule] }).compile();
    moduleRef.useLogger(false);
    expect(moduleRef.get(ComponentRegistry).has('echo')).toBe(true);
    await moduleRef.close();
  });
});

describe('@PipelineComponent', () => {
  it('stores metadata with version defaulting to legacy and name to code', () => {
    expect(getPipelineComponentMetadata(SleepComponent)).toEqual({
      code: 'sleep',
      version: 'legacy',
      name: 'Sleep',
      description: expect.any(String),
    });
    expect(getPipelineComponentMetadata(GreetLegacyComponent)).toEqual({
      code: 'greet',
      version: 'legacy',
      name: 'greet',
    });
    expect(getPipelineComponentMetadata(Greeter)).toBeUndefined();
  });

  it('rejects an empty code or version at decoration time', () => {
    expect(() => PipelineComponent({ code: '' })).toThrow(InvalidComponentError);
    expect(() => PipelineComponent({ code: 'x', version: ' ' })).toThrow(/version/);
  });

  it('standard components are all decorated', () => {
    for (const type of STANDARD_COMPONENTS)
      expect(getPipelineComponentMetadata(type)).toBeDefined();
  });
});

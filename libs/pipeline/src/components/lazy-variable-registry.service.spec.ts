import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ComponentsModule } from './components.module';
import { DuplicateLazyVariableError } from './duplicate-lazy-variable.error';
import { InvalidComponentError } from './invalid-component.error';
import { LazyVariable, type LazyVariableMeta } from './lazy-variable';
import { LazyVariableRegistry } from './lazy-variable-registry.service';
import { PipelineLazyVariable } from './pipeline-lazy-variable.decorator';
import { NowLazyVariable } from './standard';
import { UnknownLazyVariableError } from './unknown-lazy-variable.error';

@PipelineLazyVariable({ code: 'upper', description: 'Upper-cases the value' })
class UpperLazyVariable extends LazyVariable {
  async getValue({ value }: LazyVariableMeta): Promise<string> {
    return String(value).toUpperCase();
  }
}

@Module({ providers: [UpperLazyVariable] })
class UserVariablesModule {}

async function boot(...imports: unknown[]) {
  const moduleRef = await Test.createTestingModule({ imports: imports as never[] }).compile();
  moduleRef.useLogger(false);
  await moduleRef.init();
  return moduleRef;
}

describe('LazyVariableRegistry', () => {
  const meta = (value: unknown): LazyVariableMeta => ({ value, context: {}, runId: 'run-1' });

  it('discovers standard and user lazy variables and resolves them', async () => {
    const moduleRef = await boot(ComponentsModule, UserVariablesModule);
    const registry = moduleRef.get(LazyVariableRegistry);
    expect(registry.get('now')).toBeInstanceOf(NowLazyVariable);
    expect(registry.has('upper')).toBe(true);
    expect(registry.has('nope')).toBe(false);
    await expect(registry.resolve('upper', meta('abc'))).resolves.toBe('ABC');
    expect(registry.list()).toEqual([
      { code: 'now', name: 'Now', description: expect.any(String) },
      { code: 'upper', name: 'upper', description: 'Upper-cases the value' },
    ]);
    await moduleRef.close();
  });

  it('throws UnknownLazyVariableError for an unknown code', async () => {
    const moduleRef = await boot(ComponentsModule);
    const registry = moduleRef.get(LazyVariableRegistry);
    expect(() => registry.get('nope')).toThrow(UnknownLazyVariableError);
    await expect(registry.resolve('nope', meta(1))).rejects.toMatchObject({
      code: 'UNKNOWN_LAZY_VARIABLE',
      kind: 'invalid',
      context: { customType: 'nope' },
    });
    await moduleRef.close();
  });

  it('fails boot on a duplicate code or a class not extending LazyVariable', async () => {
    @PipelineLazyVariable({ code: 'now' })
    class OtherNow extends LazyVariable {
      getValue(): string {
        return 'then';
      }
    }
    @PipelineLazyVariable({ code: 'plain' })
    class NotAVariable {}

    const dup = await Test.createTestingModule({
      imports: [ComponentsModule],
      providers: [OtherNow],
    }).compile();
    dup.useLogger(false);
    await expect(dup.init()).rejects.toThrow(DuplicateLazyVariableError);

    const bad = await Test.createTestingModule({
      imports: [ComponentsModule],
      providers: [NotAVariable],
    }).compile();
    bad.useLogger(false);
    await expect(bad.init()).rejects.toThrow(InvalidComponentError);
  });

  it('rejects an empty code at decoration time', () => {
    expect(() => PipelineLazyVariable({ code: '' })).toThrow(InvalidComponentError);
  });
});

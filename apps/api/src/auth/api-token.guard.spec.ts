import { UnauthorizedException } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { validateAppConfig } from '../config/app.config';
import { ApiTokenGuard } from './api-token.guard';
import { Public } from './public.decorator';

class Routes {
  guarded(): void {}
  @Public()
  open(): void {}
}

function contextFor(handler: keyof Routes, authorization?: string) {
  const headers: Record<string, string> = {};
  const context = {
    getType: () => 'http',
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({
      getRequest: () => ({ headers: authorization === undefined ? {} : { authorization } }),
      getResponse: () => ({ setHeader: (k: string, v: string) => (headers[k] = v) }),
    }),
  } as unknown as ExecutionContext;
  return { context, headers };
}

describe('ApiTokenGuard', () => {
  const guardWith = (tokens?: string) =>
    new ApiTokenGuard(validateAppConfig(tokens ? { API_TOKENS: tokens } : {}), new Reflector());

  it('lets everything through when API_TOKENS is unset', () => {
    expect(guardWith().canActivate(contextFor('guarded').context)).toBe(true);
  });

  it('requires one of the tokens as a bearer token', () => {
    const guard = guardWith('first-token-123,second-token-456');
    expect(guard.canActivate(contextFor('guarded', 'Bearer first-token-123').context)).toBe(true);
    expect(guard.canActivate(contextFor('guarded', 'bearer second-token-456').context)).toBe(true);
    for (const header of [
      undefined,
      '',
      'Bearer',
      'Bearer wrong',
      'Basic first-token-123',
      'Bearer first-token-1234',
      'Bearer first-token-123 extra',
    ]) {
      const { context, headers } = contextFor('guarded', header);
      expect(() => guard.canActivate(context)).toThrow(UnauthorizedException);
      expect(headers['WWW-Authenticate']).toMatch(/^Bearer/);
    }
  });

  it('leaves @Public() routes open', () => {
    expect(guardWith('first-token-123').canActivate(contextFor('open').context)).toBe(true);
  });
});

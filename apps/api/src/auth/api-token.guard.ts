import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { AppConfig } from '../config/app.config';
import { IS_PUBLIC } from './public.decorator';
import { TokenVerifier } from './token-verifier';

/**
 * When `API_TOKENS` is set, every route not marked `@Public()` needs
 * `Authorization: Bearer <one of the tokens>` (401 otherwise). Tokens are compared as
 * SHA-256 digests in constant time, so neither their content nor their length leaks through timing.
 */
@Injectable()
export class ApiTokenGuard implements CanActivate {
  private readonly tokens: TokenVerifier;

  constructor(
    config: AppConfig,
    private readonly reflector: Reflector,
  ) {
    this.tokens = new TokenVerifier(config.API_TOKENS);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.tokens.open || context.getType() !== 'http') return true;
    if (
      this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
        context.getHandler(),
        context.getClass(),
      ])
    )
      return true;

    const request = context.switchToHttp().getRequest<Request>();
    const presented = TokenVerifier.presented(request.headers.authorization);
    if (presented !== null && this.tokens.verify(presented)) return true;
    context
      .switchToHttp()
      .getResponse<Response>()
      .setHeader('WWW-Authenticate', 'Bearer realm="pipeline"');
    throw new UnauthorizedException(
      presented !== null ? 'Invalid bearer token' : 'Missing bearer token: send Authorization: Bearer <token>',
    );
  }
}

import { createHash, timingSafeEqual } from 'node:crypto';
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

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * When `API_TOKENS` is set, every route not marked `@Public()` needs
 * `Authorization: Bearer <one of the tokens>` (401 otherwise). Tokens are compared as
 * SHA-256 digests in constant time, so neither their content nor their length leaks through timing.
 */
@Injectable()
export class ApiTokenGuard implements CanActivate {
  private readonly tokens: Buffer[];

  constructor(
    config: AppConfig,
    private readonly reflector: Reflector,
  ) {
    this.tokens = config.API_TOKENS.map(digest);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.tokens.length === 0 || context.getType() !== 'http') return true;
    if (
      this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
        context.getHandler(),
        context.getClass(),
      ])
    )
      return true;

    const request = context.switchToHttp().getRequest<Request>();
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (match) {
      const presented = digest(match[1]);
      // Check every token (no early exit) so the position of a match does not show either.
      let ok = false;
      for (const token of this.tokens) ok = timingSafeEqual(presented, token) || ok;
      if (ok) return true;
    }
    context
      .switchToHttp()
      .getResponse<Response>()
      .setHeader('WWW-Authenticate', 'Bearer realm="pipeline"');
    throw new UnauthorizedException(
      match ? 'Invalid bearer token' : 'Missing bearer token: send Authorization: Bearer <token>',
    );
  }
}

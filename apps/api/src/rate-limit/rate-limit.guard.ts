import { type ExecutionContext, HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  ThrottlerStorage,
} from '@nestjs/throttler';
import type { Response } from 'express';
import { MetricsController } from '@app/pipeline';
import { AppConfig } from '../config/app.config';
import { NO_RATE_LIMIT } from './no-rate-limit.decorator';
import { rateLimitTracker, tokenHash, type TrackedRequest } from './rate-limit.tracker';

/** Throttler names: `default` (per minute) keeps the plain `X-RateLimit-*` header names. */
export const PER_MINUTE_THROTTLER = 'default';
export const BURST_THROTTLER = 'burst';

/** The `@nestjs/throttler` settings for an `AppConfig`: a limit of `0` leaves its throttler out. */
export function throttlersFor(config: AppConfig): { name: string; ttl: number; limit: number }[] {
  return [
    { name: PER_MINUTE_THROTTLER, ttl: 60_000, limit: config.RATE_LIMIT_PER_MINUTE },
    { name: BURST_THROTTLER, ttl: 1_000, limit: config.RATE_LIMIT_BURST_PER_SECOND },
  ].filter((t) => t.limit > 0);
}

/**
 * The API's rate limits on top of `@nestjs/throttler`: one budget per client across all routes
 * (not per route), the client being a configured bearer token (keyed by its SHA-256, never the
 * token) or else the client address. Over the limit: 429 with `Retry-After` (seconds) and the
 * API's error shape with `code: 'RATE_LIMITED'`. Routes marked `@NoRateLimit()` are not counted.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  private readonly tokenHashes: ReadonlySet<string>;

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    config: AppConfig,
  ) {
    super(options, storage, reflector);
    this.tokenHashes = new Set(config.API_TOKENS.map(tokenHash));
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    // Prometheus scrapes `/metrics` (a controller of the engine lib, which knows nothing of this decorator).
    if (context.getClass() === MetricsController) return true;
    return (
      this.reflector.getAllAndOverride<boolean>(NO_RATE_LIMIT, [
        context.getHandler(),
        context.getClass(),
      ]) === true
    );
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    return rateLimitTracker(req as unknown as TrackedRequest, this.tokenHashes);
  }

  /** One bucket per throttler and client, shared by every route. */
  protected override generateKey(
    _context: ExecutionContext,
    tracker: string,
    name: string,
  ): string {
    return `${name}:${tracker}`;
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const retryAfter = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(retryAfter));
    throw new HttpException(
      {
        message: `Rate limit exceeded: at most ${detail.limit} requests per ${detail.ttl / 1000} s; retry after ${retryAfter} s`,
        code: 'RATE_LIMITED',
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  type HealthCheckResult,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { QueueHealthIndicator } from '@app/pipeline';
import { Public } from '../auth/public.decorator';
import { AppConfig } from '../config/app.config';
import { NoRateLimit } from '../rate-limit/no-rate-limit.decorator';

/** Liveness with database and queue (Redis, when distributed) pings. Open without a token; served at `/health` and `/api/v1/health`. */
@ApiTags('health')
@Public()
@NoRateLimit()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly queue: QueueHealthIndicator,
    private readonly config: AppConfig,
  ) {}

  @Get(['health', 'api/v1/health'])
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness and database check' })
  async check(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () => this.db.pingCheck('database', { timeout: 3000 }),
        () => this.queue.pingCheck(this.config.mode === 'distributed' ? 'redis' : 'queue'),
      ]);
    } catch (err) {
      if (err instanceof ServiceUnavailableException) {
        // Re-shaped so the error body keeps the per-check details next to the usual fields.
        const result = err.getResponse() as HealthCheckResult;
        throw new ServiceUnavailableException({
          message: 'Health check failed',
          status: 'error',
          checks: result.details,
        });
      }
      throw err;
    }
  }
}

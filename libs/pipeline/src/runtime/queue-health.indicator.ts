import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { JobQueue } from '../ports/job-queue.port';

/** Terminus indicator for the engine queue (Redis in distributed mode). */
@Injectable()
export class QueueHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly queue: JobQueue,
  ) {}

  async pingCheck(key = 'queue') {
    const check = this.indicators.check(key);
    return (await this.queue.ping()) ? check.up() : check.down({ message: 'the queue backend (Redis) does not answer' });
  }
}

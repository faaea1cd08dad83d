import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { PipelineMetrics } from './pipeline-metrics.service';

/**
 * `GET /metrics`: Prometheus text of this process (DESIGN §10). The api serves it behind its
 * bearer tokens when `API_TOKENS` is set (Prometheus sends one with `authorization` in its
 * scrape config); the engine-worker and timer-scanner serve it on their health port.
 */
@ApiExcludeController()
@Controller()
export class MetricsController {
  constructor(private readonly metrics: PipelineMetrics) {}

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async scrape(@Res() res: Response): Promise<void> {
    res.setHeader('Content-Type', this.metrics.contentType);
    res.send(await this.metrics.text());
  }
}

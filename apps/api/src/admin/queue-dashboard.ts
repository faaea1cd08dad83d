import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Logger } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Queue } from 'bullmq';
import type { NextFunction, Request, Response } from 'express';
import { TokenVerifier } from '../auth/token-verifier';
import type { AppConfig } from '../config/app.config';

/** Where the queue dashboard is served (DESIGN §10). */
export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * Distributed mode: bull-board at `/admin/queues` over every BullMQ queue this api process
 * knows (the engine queue, schedules, the timer modules' queues), found among the app's
 * providers. Behind the same tokens as the API: `Authorization: Bearer <token>`, or HTTP Basic
 * with the token as password so a browser can open it (any user name). Answers the queues it
 * mounted (none in embedded mode, which has no BullMQ).
 */
export function mountQueueDashboard(app: NestExpressApplication, config: AppConfig): string[] {
  if (config.mode !== 'distributed') return [];
  const byName = new Map<string, Queue>();
  for (const wrapper of app.get(DiscoveryService).getProviders()) {
    const instance: unknown = wrapper.isDependencyTreeStatic() ? wrapper.instance : undefined;
    if (instance instanceof Queue && !byName.has(instance.name)) byName.set(instance.name, instance);
  }
  const queues = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter, options: { uiConfig: { boardTitle: 'pipeline queues' } } });
  app.use(QUEUE_DASHBOARD_PATH, dashboardAuth(new TokenVerifier(config.API_TOKENS)), serverAdapter.getRouter());
  new Logger('QueueDashboard').log(`queue dashboard on ${QUEUE_DASHBOARD_PATH} (${queues.map((q) => q.name).join(', ')})`);
  return queues.map((q) => q.name);
}

/** The API's tokens in front of the dashboard; a browser gets a Basic prompt. */
export function dashboardAuth(tokens: TokenVerifier) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (tokens.open) return next();
    const presented = TokenVerifier.presented(req.headers.authorization, true);
    if (presented !== null && tokens.verify(presented)) return next();
    res.setHeader('WWW-Authenticate', 'Basic realm="pipeline queues", charset="UTF-8"');
    res.status(401).json({ statusCode: 401, error: 'Unauthorized', code: 'UNAUTHORIZED', message: 'send one of API_TOKENS as a bearer token or as the Basic password' });
  };
}

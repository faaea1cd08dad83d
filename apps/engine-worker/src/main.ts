import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { EngineWorkerConfig } from './config/engine-worker.config';
import { EngineWorkerModule } from './engine-worker.module';

const logger = new Logger('EngineWorker');

async function bootstrap(): Promise<void> {
  // abortOnError: false so a bad environment ends in a readable error and exit code 1.
  const app = await NestFactory.create(EngineWorkerModule, { abortOnError: false });
  app.enableShutdownHooks();
  const config = app.get<ConfigService<EngineWorkerConfig, true>>(ConfigService);
  const port = config.get('HEALTH_PORT', { infer: true });
  const host = config.get('HEALTH_HOST', { infer: true });
  await app.listen(port, host);
  logger.log(`health on http://${host}:${port}/health`);
  logger.log(
    'engine-worker has nothing to do yet: its BullMQ processors arrive with the distributed runtime',
  );
}

bootstrap().catch((error: unknown) => {
  logger.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});

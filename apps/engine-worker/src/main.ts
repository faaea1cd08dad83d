import 'reflect-metadata';
import { exitIfShutdownHangs, PinoNestLogger } from '@app/pipeline';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EngineWorkerConfig } from './config/engine-worker.config';
import { EngineWorkerModule } from './engine-worker.module';

const logger = new Logger('EngineWorker');

async function bootstrap(): Promise<void> {
  const module = await EngineWorkerModule.forRoot();
  // abortOnError: false so a bad environment ends in a readable error and exit code 1.
  const app = await NestFactory.create(module, { abortOnError: false, bufferLogs: true });
  // SIGTERM: stop taking jobs, finish (or hand back) in-flight ones, close connections.
  app.enableShutdownHooks();
  const config = app.get(EngineWorkerConfig);
  app.useLogger(new PinoNestLogger({ app: 'engine-worker', level: config.LOG_LEVEL, format: config.LOG_FORMAT }));
  exitIfShutdownHangs(config.SHUTDOWN_TIMEOUT_MS, logger);
  await app.listen(config.HEALTH_PORT, config.HEALTH_HOST);
  logger.log(
    `consuming queue '${config.PIPELINE_ENGINE_QUEUE}' with concurrency ${config.WORKER_CONCURRENCY}; health on http://${config.HEALTH_HOST}:${config.HEALTH_PORT}/health`,
  );
}


bootstrap().catch((error: unknown) => {
  logger.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});

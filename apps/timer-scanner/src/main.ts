import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { TimerScannerConfig } from './config/timer-scanner.config';
import { TimerScannerModule } from './timer-scanner.module';

const logger = new Logger('TimerScanner');

async function bootstrap(): Promise<void> {
  // abortOnError: false so a bad environment ends in a readable error and exit code 1.
  const app = await NestFactory.create(TimerScannerModule, { abortOnError: false });
  app.enableShutdownHooks();
  const config = app.get<ConfigService<TimerScannerConfig, true>>(ConfigService);
  const port = config.get('HEALTH_PORT', { infer: true });
  const host = config.get('HEALTH_HOST', { infer: true });
  await app.listen(port, host);
  logger.log(`health on http://${host}:${port}/health`);
  logger.log(
    'timer-scanner has nothing to do yet: pool scanning arrives with the distributed runtime',
  );
}

bootstrap().catch((error: unknown) => {
  logger.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});

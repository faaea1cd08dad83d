import 'reflect-metadata';
import { exitIfShutdownHangs, PinoNestLogger } from '@app/pipeline';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TimerScannerConfig } from './config/timer-scanner.config';
import { TimerScannerModule } from './timer-scanner.module';

const logger = new Logger('TimerScanner');

async function bootstrap(): Promise<void> {
  const module = await TimerScannerModule.forRoot();
  // abortOnError: false so a bad environment ends in a readable error and exit code 1.
  const app = await NestFactory.create(module, { abortOnError: false, bufferLogs: true });
  // SIGTERM: finish the current pass, close connections.
  app.enableShutdownHooks();
  const config = app.get(TimerScannerConfig);
  app.useLogger(new PinoNestLogger({ app: 'timer-scanner', level: config.LOG_LEVEL, format: config.LOG_FORMAT }));
  exitIfShutdownHangs(config.SHUTDOWN_TIMEOUT_MS, logger);
  await app.listen(config.HEALTH_PORT, config.HEALTH_HOST);
  logger.log(
    `scanning timer pools every ≤ ${config.nodeTimerEvent.PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL} s; reconciling every ${config.RECONCILE_INTERVAL_MS} ms (grace ${config.RECONCILE_GRACE_MS} ms); health on http://${config.HEALTH_HOST}:${config.HEALTH_PORT}/health`,
  );
}


bootstrap().catch((error: unknown) => {
  logger.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});

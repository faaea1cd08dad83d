import { exitIfShutdownHangs } from '@app/pipeline';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { AppConfig } from './config/app.config';

async function bootstrap(): Promise<void> {
  const module = await AppModule.forRoot();
  // bodyParser off: configureApp installs the JSON parser with the configured limit.
  // abortOnError off: a failing boot reaches the catch below (clear message, exit code 1) instead of process.abort().
  const app = await NestFactory.create<NestExpressApplication>(module, {
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
  });
  const config = app.get(AppConfig);
  configureApp(app, config);
  exitIfShutdownHangs(config.SHUTDOWN_TIMEOUT_MS, new Logger('Shutdown'));
  await app.listen(config.PORT, config.HOST);
  const url = (await app.getUrl()).replace('[::1]', 'localhost');
  new Logger('Bootstrap').log(
    `API listening on ${url}/api/v1 (docs ${url}/api/docs, ${config.mode} mode)`,
  );
}

bootstrap().catch((err: unknown) => {
  // Configuration errors already list every problem; print them without a stack.
  const message = err instanceof Error ? err.message : String(err);
  new Logger('Bootstrap').fatal(`Failed to start: ${message}`);
  if (err instanceof Error && !message.startsWith('Invalid configuration') && err.stack)
    console.error(err.stack);
  process.exit(1);
});

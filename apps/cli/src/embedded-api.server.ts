import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PinoNestLogger } from '@app/pipeline';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from '../../api/src/app.module';
import { configureApp } from '../../api/src/app.setup';
import { AppConfig } from '../../api/src/config/app.config';
import { CliError } from './cli.errors';

/** The real api app booted inside the CLI's process, listening on 127.0.0.1. */
export interface EmbeddedApi {
  /** `http://127.0.0.1:<port>`: what the HTTP client talks to, as with `--server`. */
  baseUrl: string;
  close(): Promise<void>;
}

/**
 * Boots the api app in embedded mode (DESIGN §2) on an ephemeral loopback port: the real
 * `AppModule` and `configureApp`, as `main.ts` does, with the settings given here only (the
 * process environment and `.env` are not read). Without `databaseUrl`, a SQLite file in a new
 * temporary folder, removed on `close`. Only errors are logged (to stderr), so stdout stays the
 * CLI's.
 */
export async function startEmbeddedApi(
  options: { databaseUrl?: string } = {},
): Promise<EmbeddedApi> {
  const dir = options.databaseUrl ? undefined : mkdtempSync(join(tmpdir(), 'pipeline-cli-'));
  const databaseUrl = options.databaseUrl ?? `sqlite:${join(dir!, 'pipeline.sqlite')}`;
  const cleanup = () => dir && rmSync(dir, { recursive: true, force: true });
  let app: NestExpressApplication | undefined;
  try {
    const module = await AppModule.forRoot({
      env: { DATABASE_URL: databaseUrl, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'error' },
    });
    app = await NestFactory.create<NestExpressApplication>(module, {
      bodyParser: false,
      abortOnError: false,
      logger: ['fatal', 'error'],
    });
    configureApp(app, app.get(AppConfig));
    // stdout is the CLI's (tables, --json): the engine's errors go to stderr.
    app.useLogger(new PinoNestLogger({ app: 'cli', level: 'error', format: 'auto', stream: 'stderr' }));
    await app.listen(0, '127.0.0.1');
    const address = (app.getHttpServer() as Server).address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const started = app;
    return {
      baseUrl: `http://127.0.0.1:${port}`,
      close: async () => {
        await started.close();
        cleanup();
      },
    };
  } catch (err) {
    await app?.close().catch(() => undefined);
    cleanup();
    throw new CliError(
      'EMBEDDED_BOOT_FAILED',
      `the embedded engine did not start: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

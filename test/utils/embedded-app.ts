import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { AppModule } from '../../apps/api/src/app.module';
import { configureApp } from '../../apps/api/src/app.setup';
import { AppConfig } from '../../apps/api/src/config/app.config';

@Module({})
class EmbeddedTestRootModule {}

export interface EmbeddedApp {
  app: NestExpressApplication;
  config: AppConfig;
  /** The listening HTTP server (an ephemeral port on 127.0.0.1). */
  server: Server;
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** The SQLite file backing this app. */
  databaseFile: string;
  /** A supertest agent bound to the server; add `.set('Authorization', ...)` where needed. */
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

/**
 * Boots the real API app in-process (embedded mode) for an e2e suite: the real `AppModule`,
 * `configureApp` as in `main.ts`, a fresh SQLite file under the OS temp folder, an ephemeral
 * port, rate limits off. `env` adds or overrides settings (e.g. `API_TOKENS`); the process environment and `.env`
 * are not read, so suites are isolated from the machine they run on.
 */
export async function startEmbeddedApp(
  env: Record<string, string> = {},
  options: { databaseFile?: string; keepDatabase?: boolean; providers?: Provider[] } = {},
): Promise<EmbeddedApp> {
  const dir = mkdtempSync(join(tmpdir(), 'pipeline-e2e-'));
  // Reusing another app's database file simulates a restart of the same engine.
  const databaseFile = options.databaseFile ?? join(dir, 'pipeline.sqlite');
  const removeDir = () => rmSync(options.keepDatabase ? join(dir, '__none__') : dir, { recursive: true, force: true });
  const appModule = await AppModule.forRoot({
    env: {
      DATABASE_URL: `sqlite:${databaseFile}`,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      // Suites drive the API hard; the rate limits have their own suite (rate-limits.e2e-spec.ts).
      RATE_LIMIT_PER_MINUTE: '0',
      RATE_LIMIT_BURST_PER_SECOND: '0',
      ...env,
    },
  });
  // Extra providers (test components, event listeners) sit in a root module around the app's.
  const module: DynamicModule = options.providers?.length
    ? { module: EmbeddedTestRootModule, imports: [appModule], providers: options.providers }
    : appModule;
  let app: NestExpressApplication | undefined;
  try {
    app = await NestFactory.create<NestExpressApplication>(module, {
      bodyParser: false,
      logger: ['fatal', 'error', 'warn'],
    });
    const config = app.get(AppConfig);
    configureApp(app, config);
    await app.listen(0, '127.0.0.1');
    const server = app.getHttpServer() as Server;
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const started = app;
    return {
      app: started,
      config,
      server,
      baseUrl: `http://127.0.0.1:${port}`,
      databaseFile,
      http: () => request(server),
      close: async () => {
        await started.close();
        removeDir();
      },
    };
  } catch (err) {
    await app?.close().catch(() => undefined);
    removeDir();
    throw err;
  }
}

import { RequestMethod, ValidationPipe } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { PinoNestLogger } from '@app/pipeline';
import { mountQueueDashboard } from './admin/queue-dashboard';
import { mountConsole } from './console/console-static';
import type { AppConfig } from './config/app.config';
import { PipelineExceptionFilter } from './filters/pipeline-exception.filter';
import { RequestValidationException } from './filters/request-validation.exception';

export const API_PREFIX = 'api/v1';
export const DOCS_PATH = 'api/docs';

/** The ValidationPipe every route uses: unknown fields stripped, every field problem listed in `details`. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    transform: true,
    forbidUnknownValues: false,
    // Keep submitted values out of validation errors: they may be secrets.
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => RequestValidationException.fromValidationErrors(errors),
  });
}

/**
 * Everything about the HTTP app that is not a module: logging, body limit, prefix, pipes,
 * filters, OpenAPI, shutdown hooks. `main.ts` and the e2e tests both call this, so tests run the
 * real setup. The app must be created with `{ bodyParser: false }` (the JSON parser is added
 * here, with the configured limit).
 */
export function configureApp(
  app: NestExpressApplication,
  config: AppConfig,
): NestExpressApplication {
  app.useLogger(new PinoNestLogger({ app: 'api', level: config.LOG_LEVEL, format: config.LOG_FORMAT }));
  app.disable('x-powered-by');
  app.useBodyParser('json', { limit: config.BODY_LIMIT });
  app.setGlobalPrefix(API_PREFIX, {
    // The health check is served outside the prefix too (load balancers, compose healthchecks).
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: `${API_PREFIX}/health`, method: RequestMethod.GET },
      // Prometheus' default metrics path (DESIGN §10).
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new PipelineExceptionFilter());

  const document = new DocumentBuilder()
    .setTitle('Pipeline engine')
    .setDescription(
      'Build pipelines (bamboo-compatible trees), start runs and inspect them. ' +
        'Errors answer `{statusCode, error, message, code?, details?}`. ' +
        'Past the rate limits: 429 `RATE_LIMITED` with a `Retry-After` header (seconds).',
    )
    .setVersion('1')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      description: 'Required when the server sets API_TOKENS',
    })
    .build();
  SwaggerModule.setup(DOCS_PATH, app, () => SwaggerModule.createDocument(app, document), {
    jsonDocumentUrl: `${DOCS_PATH}-json`,
  });

  // Distributed mode: bull-board over the BullMQ queues, behind the same tokens.
  mountQueueDashboard(app, config);
  // The web console's static files at /console (public; its data comes from /api/v1 with the token).
  mountConsole(app, config);

  app.enableShutdownHooks();
  return app;
}

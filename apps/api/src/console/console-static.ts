import { existsSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import type { AppConfig } from '../config/app.config';

/** Where the web console is served (DESIGN §10). */
export const CONSOLE_PATH = '/console';

/**
 * The folder `npm run build` writes the console to (`dist/console` at the repository root),
 * found from this file whether it runs from the sources or from `dist/apps/api/...`.
 */
export function defaultConsoleDir(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'console');
}

/**
 * Serves the built console statically at `/console` through the Nest app's Express instance:
 * hashed assets cached for good, `index.html` never cached, and any other `/console/*` path
 * without a file extension answered with `index.html` (the console routes in the browser).
 * Its files are public: the page asks for a token and sends it to `/api/v1` itself. Without a
 * build, `/console` answers 404 saying how to build it. Answers the folder served.
 */
export function mountConsole(app: NestExpressApplication, config: AppConfig): string {
  const dir = resolve(config.CONSOLE_DIR ?? defaultConsoleDir());
  const index = join(dir, 'index.html');
  app.useStaticAssets(dir, {
    prefix: CONSOLE_PATH,
    index: false,
    redirect: false,
    setHeaders: (res, path) => {
      const immutable = path.includes(`${join(dir, 'assets')}`);
      res.setHeader('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.use(CONSOLE_PATH, (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (extname(req.path) !== '') return next();
    if (!existsSync(index)) {
      res.status(404).json({ statusCode: 404, error: 'Not Found', code: 'CONSOLE_NOT_BUILT', message: 'the web console is not built: run `npm run build` (or `npm run build:console`)' });
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  if (!existsSync(index)) new Logger('Console').warn(`web console not built (${index} missing): run npm run build`);
  return dir;
}

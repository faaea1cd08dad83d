'use strict';
/**
 * The three apps of the monorepo and where `npm run build` puts them. Shared by the start and
 * build-if-stale scripts (plain Node, no build step of their own: they run before any build).
 */
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join, resolve } = require('node:path');

const ROOT = resolve(__dirname, '../..');

/** Nest project name → built entry point (what docker/Dockerfile's CMD runs). */
const APPS = {
  api: 'dist/apps/api/apps/api/src/main.js',
  'engine-worker': 'dist/apps/engine-worker/apps/engine-worker/src/main.js',
  'timer-scanner': 'dist/apps/timer-scanner/apps/timer-scanner/src/main.js',
};

/**
 * Tools built by `npm run build` that are not deployed apps (no Docker image): the `pipeline`
 * CLI, which embeds the api app, so the api's sources make it stale too.
 */
const TOOLS = {
  cli: 'dist/apps/cli/apps/cli/src/main.js',
};
const EXTRA_SOURCES = { cli: ['api'] };

const entryOf = (app) => APPS[app] ?? TOOLS[app];

/** Files whose change makes a build stale: the app's sources, the libs and the build settings. */
function sourcesOf(app) {
  return [
    join(ROOT, 'apps', app),
    ...(EXTRA_SOURCES[app] ?? []).map((other) => join(ROOT, 'apps', other)),
    join(ROOT, 'libs'),
    join(ROOT, 'tsconfig.json'),
    join(ROOT, 'nest-cli.json'),
    join(ROOT, 'package-lock.json'),
  ];
}

/** Newest modification time (ms) of the files under `paths`, skipping specs (not compiled). */
function newestMtime(paths) {
  let newest = 0;
  const visit = (p) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const entry of readdirSync(p)) if (entry !== 'node_modules') visit(join(p, entry));
    } else if (!/\.spec(-helper)?\.tsx?$/.test(p)) {
      newest = Math.max(newest, st.mtimeMs);
    }
  };
  paths.forEach(visit);
  return newest;
}

/** `missing`, `stale` (a source is newer than the build) or `fresh`. */
function buildState(app) {
  const entry = join(ROOT, entryOf(app));
  if (!existsSync(entry)) return 'missing';
  return newestMtime(sourcesOf(app)) > statSync(entry).mtimeMs ? 'stale' : 'fresh';
}

/** The web console's build (`npm run build:console`), served by the api at /console (DESIGN §10). */
const CONSOLE = {
  entry: 'dist/console/index.html',
  sources: ['apps/console', 'package-lock.json'],
  build: ['npx', ['vite', 'build', '-c', 'apps/console/vite.config.ts']],
};

/** `missing`, `stale` or `fresh`, for the console's build. */
function consoleBuildState() {
  const entry = join(ROOT, CONSOLE.entry);
  if (!existsSync(entry)) return 'missing';
  return newestMtime(CONSOLE.sources.map((p) => join(ROOT, p))) > statSync(entry).mtimeMs ? 'stale' : 'fresh';
}

function assertApp(app) {
  if (!Object.prototype.hasOwnProperty.call(APPS, app)) {
    console.error(`unknown app '${app}' (one of: ${Object.keys(APPS).join(', ')})`);
    process.exit(2);
  }
}

module.exports = { APPS, CONSOLE, TOOLS, ROOT, assertApp, buildState, consoleBuildState };

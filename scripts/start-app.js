#!/usr/bin/env node
'use strict';
/**
 * `node scripts/start-app.js <api|engine-worker|timer-scanner>` (the npm start scripts, through
 * `exec` so npm forwards SIGTERM straight to the app): runs an app from the build
 * (`npm run build`), in this same process, so signals (SIGTERM for a graceful stop) reach the
 * app directly. It never builds: three apps started at once from one checkout must not race
 * on dist/, and a container has no compiler. A missing build is an error; a stale one a warning.
 */
const { join } = require('node:path');
const { APPS, ROOT, assertApp, buildState } = require('./lib/apps');

const app = process.argv[2];
assertApp(app);
const state = buildState(app);
if (state === 'missing') {
  console.error(`${APPS[app]} is missing: run \`npm run build\` first (it builds all three apps).`);
  process.exit(1);
}
if (state === 'stale') {
  console.warn(`warning: sources changed since ${APPS[app]} was built; \`npm run build\` to pick them up.`);
}
require(join(ROOT, APPS[app]));

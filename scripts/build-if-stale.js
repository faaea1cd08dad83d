#!/usr/bin/env node
'use strict';
/**
 * `node scripts/build-if-stale.js [app]` (default `api`): builds the app only when its output
 * is missing or older than its sources, so `npm install && npm start` works on a fresh clone
 * and a second `npm start` starts at once. For the api, the web console it serves at /console
 * too (`dist/console`, DESIGN §10). Used by `prestart` only; the distributed start scripts
 * never build (see start-app.js).
 */
const { spawnSync } = require('node:child_process');
const { CONSOLE, ROOT, assertApp, buildState, consoleBuildState } = require('./lib/apps');

const app = process.argv[2] ?? 'api';
assertApp(app);
const state = buildState(app);
if (state !== 'fresh') {
  console.log(`${app}: build ${state}, building (nest build ${app})...`);
  const r = spawnSync('npx', ['nest', 'build', app], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
if (app === 'api') {
  const consoleState = consoleBuildState();
  if (consoleState !== 'fresh') {
    console.log(`console: build ${consoleState}, building (${CONSOLE.build[1].join(' ')})...`);
    const r = spawnSync(CONSOLE.build[0], CONSOLE.build[1], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}
process.exit(0);

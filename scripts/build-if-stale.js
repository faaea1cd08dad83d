#!/usr/bin/env node
'use strict';
/**
 * `node scripts/build-if-stale.js [app]` (default `api`): builds the app only when its output
 * is missing or older than its sources, so `npm install && npm start` works on a fresh clone
 * and a second `npm start` starts at once. Used by `prestart` only; the distributed start
 * scripts never build (see start-app.js).
 */
const { spawnSync } = require('node:child_process');
const { ROOT, assertApp, buildState } = require('./lib/apps');

const app = process.argv[2] ?? 'api';
assertApp(app);
const state = buildState(app);
if (state === 'fresh') process.exit(0);
console.log(`${app}: build ${state}, building (nest build ${app})...`);
const r = spawnSync('npx', ['nest', 'build', app], { cwd: ROOT, stdio: 'inherit' });
process.exit(r.status ?? 1);

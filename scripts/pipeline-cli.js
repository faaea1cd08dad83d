#!/usr/bin/env node
'use strict';
/**
 * The `pipeline` bin of the package (`npx pipeline …`, DESIGN §10): builds the CLI when its
 * output is missing or older than its sources (`nest build cli`, progress on stderr so a
 * `--json` stdout stays clean), then runs it in this same process.
 */
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');
const { ROOT, TOOLS, buildState } = require('./lib/apps');

const state = buildState('cli');
if (state !== 'fresh') {
  process.stderr.write(`pipeline: CLI build ${state}, building (nest build cli)...\n`);
  const r = spawnSync('npx', ['nest', 'build', 'cli'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  if (r.status !== 0) {
    process.stderr.write('pipeline: the CLI build failed (see above)\n');
    process.exit(r.status ?? 1);
  }
}
require(join(ROOT, TOOLS.cli));

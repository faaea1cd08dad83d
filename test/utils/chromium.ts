/**
 * Whether the browser suites (the web console, DESIGN §10) run: they need Debian's `chromium`
 * (driven by `playwright-core`). Like `services.ts` for MySQL and Redis: without it a suite is
 * skipped with one loud warning, except in CI (`CI=true`), where a missing browser fails it.
 */
import { existsSync } from 'node:fs';
import { isCi } from './services';

/** Where `.ci/run` installs Chromium (`apt-get install -y chromium`); `CHROMIUM_PATH` overrides. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH?.trim() || '/usr/bin/chromium';
}

/** Launch arguments for a headless Chromium in a container (no sandbox, no background traffic). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage'];

/** `describe` for a suite that drives Chromium: skips loudly outside CI without it; fails in CI. */
export function describeWithChromium(name: string, fn: (executablePath: string) => void): void {
  const path = chromiumPath();
  if (existsSync(path)) {
    describe(name, () => fn(path));
    return;
  }
  if (isCi()) {
    describe(name, () => {
      it('needs Chromium', () => {
        throw new Error(`Chromium is required in CI: ${path} is missing (.ci/run installs the chromium package) for '${name}'`);
      });
    });
    return;
  }
  // Straight to stderr: Jest drops the console output of a file whose tests are all skipped.
  process.stderr.write(`\nSKIPPED: ${name} needs Chromium at ${path} (apt-get install chromium, or set CHROMIUM_PATH)\n`);
  describe.skip(name, () => {
    it(`needs Chromium at ${path}`, () => undefined);
  });
}

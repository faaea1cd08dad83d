/**
 * Makes sure `dist/console` (the web console's build, served at /console) is there and newer
 * than its sources before a suite opens it: builds it with the same command as
 * `npm run build:console` otherwise.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((entry) => newest(join(path, entry))));
}

/** Builds the console when `dist/console/index.html` is missing or older than `apps/console`; answers whether it built. */
export function ensureConsoleBuilt(): boolean {
  const index = join(ROOT, 'dist', 'console', 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newest(join(ROOT, 'apps', 'console'))) return false;
  const r = spawnSync('npx', ['vite', 'build', '-c', 'apps/console/vite.config.ts'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`console build failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return true;
}

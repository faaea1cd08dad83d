import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './utils/cluster';

jest.setTimeout(300_000);

const ROOT = resolve(__dirname, '..');

/**
 * The README's quick start, `npm install && npm start`, on a checkout that was never built: the
 * first start builds the api and serves; a second start finds the build fresh and builds
 * nothing; a source change makes it stale and the next start builds again. (The install itself
 * is what `.ci/run` does with `npm ci`; here the checkout shares this one's node_modules.)
 */
describe('npm start on a fresh checkout (README quick start)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipeline-quick-start-'));
  const children: ChildProcess[] = [];

  beforeAll(() => {
    for (const entry of ['package.json', 'package-lock.json', 'tsconfig.json', 'nest-cli.json', 'apps', 'libs', 'scripts'])
      cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  });

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode !== null || c.signalCode !== null ? null : new Promise((r) => c.once('exit', r)))));
    rmSync(dir, { recursive: true, force: true });
  });

  /** `npm start` until /health answers 200, then SIGTERM (npm forwards it to the app); its output. */
  async function npmStart(): Promise<string> {
    const port = await freePort();
    const child = spawn('npm', ['start'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, PORT: String(port), DATABASE_URL: 'sqlite::memory:' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    const until = Date.now() + 240_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}):\n${out}`);
      try {
        if ((await fetch(`http://127.0.0.1:${port}/health`)).status === 200) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > until) throw new Error(`npm start did not serve /health:\n${out}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    return out;
  }

  it('builds on the first start, not on the second, and again once a source changed', async () => {
    expect(await npmStart()).toMatch(/api: build missing, building/);
    expect(await npmStart()).not.toMatch(/building/);
    const touched = join(dir, 'libs/pipeline/src/index.ts');
    const later = new Date(Date.now() + 5_000);
    utimesSync(touched, later, later);
    expect(await npmStart()).toMatch(/api: build stale, building/);
  });
});

/**
 * Runs the embedded deployment as a user does: `npm start` (the README's quick-start command:
 * `prestart` builds the api only when dist/ is missing or stale, then `node scripts/start-app.js
 * api` serves from the build) as a child process, on a fresh SQLite file in a temp folder and a
 * free port, no Redis. Driven over HTTP only. Modelled on cluster.ts: its own process group (so a
 * SIGKILL reaches the app, not just npm), its output kept, /health polled until it answers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './cluster';

const ROOT = resolve(__dirname, '../..');

export interface EmbeddedProcessOptions {
  /** Extra environment (e.g. `LOG_LEVEL`, `API_TOKENS`); the process environment is not passed on, PATH and HOME aside. */
  env?: Record<string, string>;
  /** Reuse this SQLite file (a restart of the same engine); default: a fresh one in a temp folder. */
  databaseFile?: string;
  /** How long to wait for /health (a stale build is rebuilt by `prestart` first). Default 240 s. */
  healthTimeoutMs?: number;
  /** Gets `stop` as soon as the process is spawned, before it is healthy (to clean up after an interrupt). */
  onSpawn?: (stop: () => Promise<void>) => void;
}

export interface EmbeddedProcess {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  port: number;
  /** The SQLite file backing the app. */
  databaseFile: string;
  /** npm's process (the group leader); the app is a child of it. */
  child: ChildProcess;
  /** The app's own pid (the `node scripts/start-app.js api` that npm runs), once known. */
  appPid(): number | undefined;
  /** Output (stdout and stderr) so far. */
  logs(): string;
  exited: Promise<number | null>;
  /** SIGKILL to the whole process group: no shutdown hooks. */
  kill(): Promise<void>;
  /** SIGTERM to npm (which forwards it to the app) and wait; SIGKILL to the group after 10 s. Removes the temp folder. */
  stop(): Promise<void>;
}

/** Signals the whole process group of `child` (npm, and the node process it started). */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/**
 * The app's pid: npm's scripts use `exec`, so the shell that npm starts becomes the node process;
 * found as the descendant of `root` whose command line runs scripts/start-app.js. Linux only
 * (reads /proc); undefined elsewhere or before it started.
 */
export function startAppPid(root: number): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return undefined;
  }
  const parent = new Map<number, number>();
  const cmd = new Map<number, string>();
  for (const e of entries) {
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces, so split after its closing parenthesis.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(e), ppid);
      cmd.set(Number(e), readFileSync(`/proc/${e}/cmdline`, 'utf8'));
    } catch {
      // gone meanwhile
    }
  }
  const descends = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 10; p = parent.get(p) ?? 0, hops++)
      if (p === root) return true;
    return false;
  };
  return [...cmd.entries()].find(
    ([pid, c]) => c.includes('scripts/start-app.js') && descends(pid),
  )?.[0];
}

async function waitHealthy(p: EmbeddedProcess, ms: number): Promise<void> {
  const until = Date.now() + ms;
  let exitCode: number | null | undefined;
  void p.exited.then((c) => (exitCode = c));
  while (Date.now() < until) {
    if (exitCode !== undefined)
      throw new Error(
        `npm start exited (${exitCode}) before it was healthy:\n${p.logs().slice(-4000)}`,
      );
    try {
      const res = await fetch(`${p.baseUrl}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`npm start did not become healthy within ${ms} ms:\n${p.logs().slice(-4000)}`);
}

/** `npm start` on a scratch SQLite file and a free port; resolves once /health answers 200. */
export async function startEmbeddedProcess(
  options: EmbeddedProcessOptions = {},
): Promise<EmbeddedProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'pipeline-embedded-'));
  const databaseFile = options.databaseFile ?? join(dir, 'pipeline.sqlite');
  const port = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? ROOT,
    NODE_ENV: 'production',
    DATABASE_URL: `sqlite:${databaseFile}`,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'log',
    // Suites and benchmarks drive the API hard; the rate limits have their own suite.
    RATE_LIMIT_PER_MINUTE: '0',
    RATE_LIMIT_BURST_PER_SECOND: '0',
    ...options.env,
  };
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const chunks: string[] = [];
  const keep = (b: Buffer) => {
    chunks.push(b.toString());
    if (chunks.length > 2000) chunks.splice(0, 1000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let pid: number | undefined;
  let stopping: Promise<void> | undefined;
  const removeDir = () =>
    rmSync(options.databaseFile ? join(dir, '__none__') : dir, { recursive: true, force: true });
  const p: EmbeddedProcess = {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    databaseFile,
    child,
    appPid: () => (pid ??= child.pid === undefined ? undefined : startAppPid(child.pid)),
    logs: () => chunks.join(''),
    exited,
    kill: async () => {
      signalGroup(child, 'SIGKILL');
      await exited;
    },
    stop: () =>
      (stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        const t = setTimeout(() => signalGroup(child, 'SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
        // npm may exit before the app when signalled: make sure nothing of the group is left.
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // the group is gone
        }
        removeDir();
      })()),
  };
  options.onSpawn?.(p.stop);
  try {
    await waitHealthy(p, options.healthTimeoutMs ?? 240_000);
  } catch (e) {
    await p.stop();
    throw e;
  }
  p.appPid();
  return p;
}

/**
 * Runs the distributed deployment for e2e suites: the api, N engine-workers and the
 * timer-scanner as separate OS processes, started with exactly the README's commands
 * (`npm run start:api`, `npm run start:worker`, `npm run start:scanner`) from the built output
 * (`npm run build`, run here once when a build is missing), over a real MySQL database and Redis db.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
// The start scripts' own view of the apps and their builds (plain JS, shared with them).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { APPS, buildState } = require('../../scripts/lib/apps') as {
  APPS: Record<string, string>;
  buildState: (app: string) => 'missing' | 'stale' | 'fresh';
};
/** The README's start command of each role (an npm script of package.json). */
export const START_SCRIPT = { api: 'start:api', worker: 'start:worker', scanner: 'start:scanner' } as const;
type Role = keyof typeof START_SCRIPT;

export interface ClusterOptions {
  mysqlUrl: string;
  redisUrl: string;
  workers?: number;
  /** Extra environment for every process. */
  env?: Record<string, string>;
  /** Extra environment per role. */
  roleEnv?: Partial<Record<Role, Record<string, string>>>;
}

export interface AppProcess {
  role: Role;
  name: string;
  port: number;
  child: ChildProcess;
  logs: string[];
  exited: Promise<number | null>;
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => res(port));
    });
  });
}

/** `npm run build` when an app's output is missing (the README's distributed steps build once). */
export function ensureBuilt(): void {
  if (Object.keys(APPS).every((app) => buildState(app) !== 'missing')) return;
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build failed');
}

/** Signals the whole process group of an app (npm, and the node process it started). */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

async function waitHealthy(p: AppProcess, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  let exitCode: number | null | undefined;
  void p.exited.then((c) => (exitCode = c));
  while (Date.now() < until) {
    if (exitCode !== undefined) throw new Error(`${p.name} exited (${exitCode}) before it was healthy:\n${p.logs.slice(-30).join('')}`);
    try {
      const res = await fetch(`http://127.0.0.1:${p.port}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${p.name} did not become healthy:\n${p.logs.slice(-30).join('')}`);
}

export class Cluster {
  readonly procs = new Map<string, AppProcess>();
  api!: AppProcess;

  private constructor(private readonly options: ClusterOptions) {}

  static async start(options: ClusterOptions): Promise<Cluster> {
    const c = new Cluster(options);
    try {
      // The api migrates the schema; the others start once it is up.
      c.api = await c.spawn('api', 'api');
      await Promise.all([
        c.spawn('scanner', 'scanner'),
        ...Array.from({ length: options.workers ?? 1 }, (_, i) => c.spawn('worker', `worker-${i + 1}`)),
      ]);
      return c;
    } catch (e) {
      await c.stop();
      throw e;
    }
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.api.port}`;
  }

  /** Starts one more process of `role` (`env`: extra settings of this process only). */
  async spawn(role: Role, name: string, extraEnv: Record<string, string> = {}): Promise<AppProcess> {
    ensureBuilt();
    const port = await freePort();
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? ROOT,
      NODE_ENV: 'production',
      DATABASE_URL: this.options.mysqlUrl,
      REDIS_URL: this.options.redisUrl,
      LOG_LEVEL: 'log',
      // Suites and benchmarks drive the API hard; the rate limits have their own suite.
      RATE_LIMIT_PER_MINUTE: '0',
      RATE_LIMIT_BURST_PER_SECOND: '0',
      ...(role === 'api' ? { PORT: String(port), HOST: '127.0.0.1' } : { HEALTH_PORT: String(port), HEALTH_HOST: '127.0.0.1' }),
      ...this.options.env,
      ...this.options.roleEnv?.[role],
      ...extraEnv,
    };
    // `npm run start:<role>`, as the README says, in a process group of its own so a SIGKILL
    // reaches the app itself (npm forwards SIGTERM to it, but cannot forward SIGKILL).
    const child = spawn('npm', ['run', '--silent', START_SCRIPT[role]], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const logs: string[] = [];
    const keep = (b: Buffer) => {
      logs.push(b.toString());
      if (logs.length > 2000) logs.splice(0, 1000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const p: AppProcess = { role, name, port, child, logs, exited };
    this.procs.set(name, p);
    await waitHealthy(p);
    return p;
  }

  /**
   * Kill a process (SIGKILL by default: no shutdown hooks, in-flight work lost). SIGKILL goes to
   * the app's whole process group; other signals to npm, which forwards them to the app once
   * (a second SIGTERM would cut the app's graceful shutdown short).
   */
  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const p = this.procs.get(name);
    if (!p) return;
    if (signal === 'SIGKILL') signalGroup(p.child, 'SIGKILL');
    else if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill(signal);
    await p.exited;
    this.procs.delete(name);
  }

  logsOf(name: string): string {
    return this.procs.get(name)?.logs.join('') ?? '';
  }

  async stop(): Promise<void> {
    await Promise.all(
      [...this.procs.keys()].map(async (name) => {
        const p = this.procs.get(name)!;
        if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
        const t = setTimeout(() => signalGroup(p.child, 'SIGKILL'), 10_000);
        await p.exited;
        clearTimeout(t);
        this.procs.delete(name);
      }),
    );
  }
}

/**
 * Runs the distributed deployment for e2e suites: the api, N engine-workers and the
 * timer-scanner as separate OS processes from the built output (`npm run build`; built here
 * when missing), over a real MySQL database and Redis db. The same commands the docker images run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const ENTRY = {
  api: 'dist/apps/api/apps/api/src/main.js',
  worker: 'dist/apps/engine-worker/apps/engine-worker/src/main.js',
  scanner: 'dist/apps/timer-scanner/apps/timer-scanner/src/main.js',
} as const;
const NEST_PROJECT = { api: 'api', worker: 'engine-worker', scanner: 'timer-scanner' } as const;
type Role = keyof typeof ENTRY;

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

function ensureBuilt(role: Role): void {
  if (existsSync(join(ROOT, ENTRY[role]))) return;
  const r = spawnSync('npx', ['nest', 'build', NEST_PROJECT[role]], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`nest build ${NEST_PROJECT[role]} failed`);
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

  async spawn(role: Role, name: string): Promise<AppProcess> {
    ensureBuilt(role);
    const port = await freePort();
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      DATABASE_URL: this.options.mysqlUrl,
      REDIS_URL: this.options.redisUrl,
      LOG_LEVEL: 'log',
      ...(role === 'api' ? { PORT: String(port), HOST: '127.0.0.1' } : { HEALTH_PORT: String(port), HEALTH_HOST: '127.0.0.1' }),
      ...this.options.env,
      ...this.options.roleEnv?.[role],
    };
    const child = spawn(process.execPath, [join(ROOT, ENTRY[role])], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
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

  /** Kill a process (SIGKILL by default: no shutdown hooks, in-flight work lost). */
  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const p = this.procs.get(name);
    if (!p) return;
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill(signal);
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
        p.child.kill('SIGTERM');
        const t = setTimeout(() => p.child.kill('SIGKILL'), 10_000);
        await p.exited;
        clearTimeout(t);
        this.procs.delete(name);
      }),
    );
  }
}

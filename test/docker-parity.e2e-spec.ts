import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { freePort } from './utils/cluster';
import { execForm, parseCopy, parseDockerfile, parseEnv, type DockerStage } from './utils/dockerfile';
import { chainTree } from './utils/run-trees';
import {
  createScratchDatabase,
  describeWithMysql,
  describeWithRedis,
  type ScratchDatabase,
} from './utils/services';

jest.setTimeout(900_000);

const ROOT = resolve(__dirname, '..');
const stages = parseDockerfile(readFileSync(join(ROOT, 'docker/Dockerfile'), 'utf8'));
const compose = parseYaml(readFileSync(join(ROOT, 'docker/docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { build?: { target?: string; context?: string; dockerfile?: string }; environment?: Record<string, unknown> }>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { APPS } = require('../scripts/lib/apps') as { APPS: Record<string, string> };
const nestCli = JSON.parse(readFileSync(join(ROOT, 'nest-cli.json'), 'utf8')) as { projects: Record<string, unknown> };
const stage = (name: string): DockerStage => {
  const s = stages.find((x) => x.name === name);
  if (!s) throw new Error(`no stage ${name} in docker/Dockerfile`);
  return s;
};
const appServices = Object.entries(compose.services).filter(([, s]) => s.build?.target);

/**
 * docker/Dockerfile and docker/docker-compose.yml, checked without a Docker engine: what they
 * name exists, and their install, build and start commands work when run as written.
 */
describe('docker files (static)', () => {
  it('names only files of the repository in COPY, and only Nest projects in its builds', () => {
    for (const s of stages)
      for (const i of s.instructions.filter((x) => x.op === 'COPY')) {
        const c = parseCopy(i.args);
        if (c.from) {
          expect(stages.map((x) => x.name)).toContain(c.from);
          continue;
        }
        for (const src of c.sources) expect({ src, exists: existsSync(join(ROOT, src)) }).toEqual({ src, exists: true });
      }
    const builds = stages.flatMap((s) => s.instructions.filter((i) => i.op === 'RUN').flatMap((i) => [...i.args.matchAll(/nest build ([\w-]+)/g)].map((m) => m[1])));
    expect(builds.sort()).toEqual(Object.keys(APPS).sort());
    for (const b of builds) expect(Object.keys(nestCli.projects)).toContain(b);
  });

  it('starts each app target with the entry point `npm run build` makes', () => {
    for (const app of Object.keys(APPS)) {
      const cmd = stage(app).instructions.find((i) => i.op === 'CMD');
      expect(execForm(cmd!.args)).toEqual(['node', APPS[app]]);
      expect(stage(app).instructions.some((i) => i.op === 'HEALTHCHECK')).toBe(true);
    }
  });

  it('has compose build every app target of the Dockerfile, with the variables the apps need', () => {
    expect(appServices.map(([, s]) => s.build!.target).sort()).toEqual(Object.keys(APPS).sort());
    for (const [name, s] of appServices) {
      expect({ name, dockerfile: s.build?.dockerfile }).toEqual({ name, dockerfile: 'docker/Dockerfile' });
      expect(Object.keys(s.environment ?? {})).toEqual(expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'API_TOKENS']));
    }
  });
});

/** Runs a shell command of a RUN instruction in a stage's folder (standing in for WORKDIR /app). */
function runIn(dir: string, command: string, env: NodeJS.ProcessEnv): void {
  const r = spawnSync('bash', ['-c', command], { cwd: dir, env, stdio: 'inherit', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`RUN ${command} failed in ${dir} (exit ${r.status})`);
}

/**
 * Parts of RUN commands that only shape the image and cannot run on a shared host: ownership
 * for the image's user, and emptying npm's cache (the machine's own here).
 */
const IMAGE_ONLY = [/^chown\b/, /^npm cache clean\b/];

describeWithMysql('docker images, built and started outside Docker', (mysqlServerUrl) =>
  describeWithRedis('docker images on Redis', (redisUrl) => {
    const work = mkdtempSync(join(tmpdir(), 'pipeline-docker-'));
    const dirs = new Map<string, string>();
    const envs = new Map<string, Record<string, string>>();
    const children: ChildProcess[] = [];
    let db: ScratchDatabase;
    const token = 'docker-parity-token';

    /** Every stage in order, each in its own folder: FROM an earlier stage copies its folder. */
    beforeAll(async () => {
      db = await createScratchDatabase(mysqlServerUrl);
      for (const s of stages) {
        const dir = join(work, s.name);
        const parent = dirs.get(s.from);
        if (parent) cpSync(parent, dir, { recursive: true, verbatimSymlinks: true });
        else mkdirSync(dir, { recursive: true }); // a base image: starts empty
        dirs.set(s.name, dir);
        const env: Record<string, string> = { ...(envs.get(s.from) ?? {}) };
        for (const i of s.instructions) {
          if (i.op === 'WORKDIR') expect(i.args).toBe('/app');
          else if (i.op === 'ENV') Object.assign(env, parseEnv(i.args));
          else if (i.op === 'COPY') {
            const c = parseCopy(i.args);
            const base = c.from ? dirs.get(c.from)! : ROOT;
            for (const src of c.sources) {
              // A source in another stage is a path of that image: /app is its folder here.
              const from = c.from ? join(base, src.replace(/^\/app(\/|$)/, '')) : join(base, src);
              const target = c.sources.length > 1 || c.dest.endsWith('/') ? join(dir, c.dest, src.split('/').pop()!) : join(dir, c.dest);
              cpSync(from, target, { recursive: true, verbatimSymlinks: true });
            }
          } else if (i.op === 'RUN') {
            const parts = i.args.split('&&').map((p) => p.trim().replaceAll('/app', dir));
            const kept = parts.filter((p) => !IMAGE_ONLY.some((re) => re.test(p)));
            const { NODE_ENV: _nodeEnv, ...hostEnv } = process.env;
            runIn(dir, kept.join(' && '), { ...hostEnv, ...env, npm_config_prefer_offline: 'true' });
          }
        }
        envs.set(s.name, env);
      }
    });

    afterAll(async () => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
      await Promise.all(children.map((c) => (c.exitCode !== null || c.signalCode !== null ? null : new Promise((r) => c.once('exit', r)))));
      await db?.drop();
      rmSync(work, { recursive: true, force: true });
    });

    /** Compose's environment for a service, with the compose hosts (mysql, redis) replaced by the test servers. */
    function composeEnv(service: string): Record<string, string> {
      const raw = compose.services[service].environment ?? {};
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(raw)) out[k] = String(v);
      expect(out.DATABASE_URL).toMatch(/^mysql:\/\/.*@mysql:3306\//);
      expect(out.REDIS_URL).toMatch(/^redis:\/\/redis:6379\//);
      expect(out.API_TOKENS).toMatch(/\$\{API_TOKENS:\?/); // required, as the README says
      return { ...out, DATABASE_URL: db.url, REDIS_URL: redisUrl, API_TOKENS: token };
    }

    async function startTarget(app: string, service: string): Promise<{ port: number; env: Record<string, string> }> {
      const port = await freePort();
      const portVar = app === 'api' ? 'PORT' : 'HEALTH_PORT';
      // The image's ENV, then compose's environment; only the port differs (several apps on one host).
      const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...envs.get(app)!, ...composeEnv(service), [portVar]: String(port) };
      const [cmd, ...args] = execForm(stage(app).instructions.find((i) => i.op === 'CMD')!.args);
      const child = spawn(cmd, args, { cwd: dirs.get(app)!, env, stdio: ['ignore', 'inherit', 'inherit'] });
      children.push(child);
      const [hc, ...hcArgs] = execForm(stage(app).instructions.find((i) => i.op === 'HEALTHCHECK')!.args);
      const until = Date.now() + 60_000;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`${app} exited (${child.exitCode}) before it was healthy`);
        if (spawnSync(hc, hcArgs, { env, timeout: 10_000 }).status === 0) break;
        if (Date.now() > until) throw new Error(`${app}: HEALTHCHECK did not pass within 60 s`);
        await new Promise((r) => setTimeout(r, 250));
      }
      return { port, env };
    }

    it('installs, builds, and starts the three images as compose does; their healthchecks pass and a run finishes', async () => {
      // The runtime images carry production dependencies only, and the built apps.
      expect(existsSync(join(dirs.get('api')!, 'node_modules/@nestjs/core'))).toBe(true);
      expect(existsSync(join(dirs.get('api')!, 'node_modules/@nestjs/cli'))).toBe(false);
      const byTarget = Object.fromEntries(appServices.map(([name, s]) => [s.build!.target!, name]));
      // compose: the api first (it migrates), then the worker and the scanner once it is healthy.
      const api = await startTarget('api', byTarget.api);
      await startTarget('engine-worker', byTarget['engine-worker']);
      await startTarget('timer-scanner', byTarget['timer-scanner']);

      const base = `http://127.0.0.1:${api.port}/api/v1`;
      expect((await fetch(`${base}/runs`)).status).toBe(401);
      const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const tree = chainTree('docker', [{ id: 'a1', code: 'noop' }, { id: 'a2', code: 'noop' }]);
      const started = await fetch(`${base}/runs`, { method: 'POST', headers: auth, body: JSON.stringify({ definition: tree }) });
      expect(started.status).toBe(201);
      const { id } = (await started.json()) as { id: string };
      let state = '';
      const until = Date.now() + 30_000;
      while (state !== 'FINISHED' && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 200));
        state = ((await (await fetch(`${base}/runs/${id}`, { headers: auth })).json()) as { state: string }).state;
      }
      expect(state).toBe('FINISHED');
    });
  }),
);

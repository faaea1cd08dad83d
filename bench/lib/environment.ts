/** What a result records about where it ran: machine, Node, git commit, services. */
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { createConnection } from 'mysql2/promise';

const ROOT = resolve(__dirname, '../..');
const PROBE_TIMEOUT_MS = 2_000;

export interface MachineInfo {
  cores: number;
  cpu: string | undefined;
  memoryGiB: number;
  platform: string;
  release: string;
  /** 1-minute load average when the bench started: other work on the box skews every figure. */
  loadAverage1m: number;
}

export function machineInfo(): MachineInfo {
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: os.platform(),
    release: os.release(),
    loadAverage1m: Math.round(os.loadavg()[0] * 100) / 100,
  };
}

export interface GitInfo {
  commit: string | null;
  /** Uncommitted changes to tracked files: the figures are of the commit plus them. */
  dirty: boolean | null;
}

export function gitInfo(): GitInfo {
  // --no-optional-locks: never refresh the index others' git commands may be using.
  const git = (...args: string[]) =>
    spawnSync('git', ['--no-optional-locks', ...args], { cwd: ROOT, encoding: 'utf8' });
  const head = git('rev-parse', 'HEAD');
  if (head.status !== 0) return { commit: null, dirty: null };
  const status = git('status', '--porcelain', '--untracked-files=no');
  return {
    commit: head.stdout.trim(),
    dirty: status.status === 0 ? status.stdout.trim().length > 0 : null,
  };
}

/** The server's version when MySQL answers at `serverUrl` within 2 s, else undefined. */
export async function probeMysql(serverUrl: string): Promise<string | undefined> {
  try {
    const u = new URL(serverUrl);
    const conn = await createConnection({
      host: u.hostname,
      port: u.port ? Number(u.port) : 3306,
      user: u.username ? decodeURIComponent(u.username) : undefined,
      password: u.password ? decodeURIComponent(u.password) : undefined,
      connectTimeout: PROBE_TIMEOUT_MS,
    });
    try {
      const [rows] = await conn.query('SELECT VERSION() AS v');
      return (rows as { v: string }[])[0]?.v;
    } finally {
      await conn.end();
    }
  } catch {
    return undefined;
  }
}

/** The server's version when Redis answers at `url` within 2 s, else undefined. */
export async function probeRedis(url: string): Promise<string | undefined> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: PROBE_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const info = await redis.info('server');
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}
